package visq.gpu.data;

import java.io.IOException;
import java.nio.file.Path;

/** A dataset table that cannot be used as it is; the message names the file and, where known, the line. */
public final class MalformedDatasetException extends IOException {

    private static final long serialVersionUID = 1L;

    public MalformedDatasetException(Path file, int line, String problem) {
        super(file + " line " + line + ": " + problem);
    }

    public MalformedDatasetException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
