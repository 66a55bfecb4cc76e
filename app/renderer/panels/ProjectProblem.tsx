import { memo, type ChangeEvent } from 'react';
import { LOCATE_INPUT_ID, locateModel, locateModelFile } from '../actions/open-project.js';
import { useStudio, type Store } from '../store/store.js';

const selectProblem = (s: Store) => s.projectProblem;

const onFileChosen = (event: ChangeEvent<HTMLInputElement>): void => {
  const file = event.target.files?.[0];
  event.target.value = '';
  if (file) void locateModelFile(file);
};

/**
 * A project whose model is missing or has changed: what is wrong, and Locate model… to apply the
 * project's design to the model where it is now. What is open stays open meanwhile.
 */
export const ProjectProblem = memo(function ProjectProblem() {
  const problem = useStudio(selectProblem);
  if (!problem) return null;
  const { error } = problem;
  const changed = error.code === 'MODEL_CHANGED';
  return (
    <div className="project-problem" role="alertdialog" aria-label="Project problem">
      <strong className="error-code">{error.code}</strong>
      <span className="error-message">
        {error.message}
        {changed &&
          ' Locate a model to use the design anyway: layers no longer in the model are dropped from the placement.'}
      </span>
      <button type="button" onClick={locateModel}>
        Locate model…
      </button>
      <button type="button" onClick={() => useStudio.getState().projectProblemDismissed()}>
        Dismiss
      </button>
      <input
        id={LOCATE_INPUT_ID}
        type="file"
        accept=".onnx,application/octet-stream"
        hidden
        aria-label="Model file for the project"
        onChange={onFileChosen}
      />
    </div>
  );
});
