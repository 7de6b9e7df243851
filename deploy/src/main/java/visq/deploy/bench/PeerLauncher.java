package visq.deploy.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts a PyTorch peer: a Python interpreter with torch (and, for the Qwen peer, transformers and peft;
 * {@value #PYTHON_VARIABLE}, else {@link #DEFAULT_PYTHON} when it exists) running a peer script of this repository
 * ({@link #QWEN_SCRIPT} or {@link #COMPACT_SCRIPT}), on one thread ({@code OMP_NUM_THREADS=1},
 * {@code MKL_NUM_THREADS=1}, as the {@code visq} script sets for the JVM).
 */
final class PeerLauncher {
    static final String PYTHON_VARIABLE = "VISQ_PEER_PYTHON";
    static final Path DEFAULT_PYTHON = Path.of("/work/venv-qwen/bin/python");
    /** The transformers + peft peer of a Qwen checkpoint. */
    static final Path QWEN_SCRIPT = Path.of("tools", "qwen-reference", "bench_peer.py");
    /** The plain-torch peer of the compact model. */
    static final Path COMPACT_SCRIPT = Path.of("tools", "compact-reference", "bench_peer.py");

    /** A launcher, or the reason the peer cannot run here. */
    record Lookup(Optional<PeerLauncher> launcher, String reason) {}

    /** What the peer process did: its exit status and everything it printed (stdout and stderr). */
    record Outcome(int exitCode, List<String> output) {
        Outcome {
            output = List.copyOf(output);
        }

        /** The last {@code count} lines printed. */
        List<String> tail(int count) {
            return output.subList(Math.max(0, output.size() - count), output.size());
        }
    }

    private final Path python;
    private final Path script;

    private PeerLauncher(Path python, Path script) {
        this.python = python;
        this.script = script;
    }

    /**
     * The peer's interpreter from {@code environment} and {@code script} (relative to the repository root, found
     * above this class's jar or the working directory), or why there is none.
     */
    static Lookup locate(Map<String, String> environment, Path script) {
        Path python;
        String configured = environment.get(PYTHON_VARIABLE);
        if (configured != null && !configured.isBlank()) {
            python = Path.of(configured);
            if (!Files.isExecutable(python)) {
                return new Lookup(Optional.empty(), PYTHON_VARIABLE + "=" + configured + " is not an executable file");
            }
        } else if (Files.isExecutable(DEFAULT_PYTHON)) {
            python = DEFAULT_PYTHON;
        } else {
            return new Lookup(Optional.empty(), "no peer Python with torch: " + PYTHON_VARIABLE
                    + " is unset and " + DEFAULT_PYTHON + " does not exist");
        }
        Optional<Path> found = findScript(script);
        if (found.isEmpty()) {
            return new Lookup(Optional.empty(), script + " not found above " + codeLocation().orElse(Path.of(""))
                    + " nor in " + Path.of("").toAbsolutePath());
        }
        return new Lookup(Optional.of(new PeerLauncher(python, found.get())), "");
    }

    /**
     * Runs the script with {@code arguments}, waiting at most {@code timeout}.
     *
     * @throws IllegalStateException when the process cannot start or outlives the timeout (it is then destroyed)
     */
    Outcome run(List<String> arguments, Duration timeout) {
        List<String> command = new ArrayList<>();
        command.add(python.toString());
        command.add(script.toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.environment().put("MKL_NUM_THREADS", "1");
        builder.environment().put("TOKENIZERS_PARALLELISM", "false");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the peer " + String.join(" ", command) + ": "
                    + e.getMessage(), e);
        }
        List<String> output = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    synchronized (output) {
                        output.add(line);
                    }
                }
            } catch (IOException e) {
                synchronized (output) {
                    output.add("(reading the peer's output failed: " + e.getMessage() + ")");
                }
            }
        }, "bench-peer-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the peer ran longer than " + timeout + ": "
                        + String.join(" ", command));
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the peer ran", e);
        }
        synchronized (output) {
            return new Outcome(process.exitValue(), output);
        }
    }

    /** The interpreter this launcher runs. */
    Path python() {
        return python;
    }

    private static Optional<Path> findScript(Path script) {
        List<Path> starts = new ArrayList<>();
        codeLocation().ifPresent(starts::add);
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path directory = start; directory != null; directory = directory.getParent()) {
                Path candidate = directory.resolve(script);
                if (Files.isRegularFile(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** The jar or classes directory this class was loaded from. */
    private static Optional<Path> codeLocation() {
        try {
            var source = PeerLauncher.class.getProtectionDomain().getCodeSource();
            return source == null ? Optional.empty() : Optional.of(Path.of(source.getLocation().toURI()));
        } catch (URISyntaxException | SecurityException e) {
            return Optional.empty();
        }
    }
}
