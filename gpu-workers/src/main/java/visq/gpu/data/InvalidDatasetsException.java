package visq.gpu.data;

import java.util.List;

/**
 * Datasets that cannot be used as declared: the message lists every problem found, each with its file and line,
 * so that one run shows all of them.
 */
public final class InvalidDatasetsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient List<DatasetProblem> problems;

    public InvalidDatasetsException(List<DatasetProblem> problems) {
        super(describe(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an invalid dataset has at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<DatasetProblem> problems() {
        return problems;
    }

    private static String describe(List<DatasetProblem> problems) {
        StringBuilder text = new StringBuilder(problems.size() == 1 ? "1 problem" : problems.size() + " problems")
                .append(" in the datasets:");
        for (DatasetProblem problem : problems) {
            text.append("\n  ").append(problem);
        }
        return text.toString();
    }
}
