package visq.gpu.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tensors of a checkpoint directory as Hugging Face lays them out: either {@code model.safetensors.index.json},
 * whose {@code weight_map} maps every tensor name to the shard file holding it, or a single {@code *.safetensors}
 * file ({@code model.safetensors} preferred when there are several and no index).
 *
 * <p>Opening reads only the headers; data is read per tensor. Every shard the index names must exist, must hold
 * exactly the tensors the index maps to it, and no tensor may be mapped twice: otherwise
 * {@link InvalidCheckpointException} names the file and tensor. Reads are thread-safe.
 */
public final class CheckpointTensors implements AutoCloseable {

    /** The index file of a sharded checkpoint. */
    public static final String INDEX_FILE = "model.safetensors.index.json";

    /** The single file of an unsharded checkpoint. */
    public static final String SINGLE_FILE = "model.safetensors";

    private final Path directory;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> fileOf;

    private CheckpointTensors(Path directory, List<SafetensorsFile> files, Map<String, SafetensorsFile> fileOf) {
        this.directory = directory;
        this.files = List.copyOf(files);
        this.fileOf = Collections.unmodifiableMap(fileOf);
    }

    /**
     * Opens the tensors of checkpoint directory {@code directory}.
     *
     * @throws InvalidCheckpointException when the directory, its index or a shard is missing or inconsistent
     */
    public static CheckpointTensors open(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new InvalidCheckpointException("checkpoint directory " + directory + " does not exist");
        }
        Path index = directory.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return openSharded(directory, index);
        }
        Path single = singleFile(directory);
        SafetensorsFile file = openShard(single);
        Map<String, SafetensorsFile> fileOf = new TreeMap<>();
        for (String name : file.names()) {
            fileOf.put(name, file);
        }
        return new CheckpointTensors(directory, List.of(file), fileOf);
    }

    private static Path singleFile(Path directory) {
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.safetensors")) {
            for (Path path : stream) {
                candidates.add(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoint directory " + directory, e);
        }
        Collections.sort(candidates);
        if (candidates.isEmpty()) {
            throw new InvalidCheckpointException("checkpoint directory " + directory + " has neither " + INDEX_FILE
                    + " nor any *.safetensors file");
        }
        Path preferred = directory.resolve(SINGLE_FILE);
        if (candidates.contains(preferred)) {
            return preferred;
        }
        if (candidates.size() > 1) {
            throw new InvalidCheckpointException("checkpoint directory " + directory + " has several safetensors files "
                    + fileNames(candidates) + " but no " + INDEX_FILE + " saying which tensor lies where");
        }
        return candidates.get(0);
    }

    private static CheckpointTensors openSharded(Path directory, Path index) {
        Map<String, String> weightMap = weightMap(index);
        Map<String, List<String>> tensorsOfShard = new TreeMap<>();
        for (Map.Entry<String, String> entry : weightMap.entrySet()) {
            tensorsOfShard.computeIfAbsent(entry.getValue(), shard -> new ArrayList<>()).add(entry.getKey());
        }
        List<SafetensorsFile> files = new ArrayList<>();
        Map<String, SafetensorsFile> fileOf = new TreeMap<>();
        try {
            for (Map.Entry<String, List<String>> shard : tensorsOfShard.entrySet()) {
                Path path = shardPath(directory, index, shard.getKey(), shard.getValue());
                SafetensorsFile file = openShard(path);
                files.add(file);
                for (String name : shard.getValue()) {
                    if (!file.contains(name)) {
                        throw new InvalidCheckpointException(String.format(Locale.ROOT,
                                "%s maps tensor '%s' to shard %s, which does not hold it", index, name, path));
                    }
                    fileOf.put(name, file);
                }
                for (String name : file.names()) {
                    if (!weightMap.containsKey(name)) {
                        throw new InvalidCheckpointException(String.format(Locale.ROOT,
                                "shard %s holds tensor '%s', which %s does not list", path, name, index));
                    }
                    if (!weightMap.get(name).equals(shard.getKey())) {
                        throw new InvalidCheckpointException(String.format(Locale.ROOT,
                                "shard %s holds tensor '%s', which %s maps to shard %s",
                                path, name, index, weightMap.get(name)));
                    }
                }
            }
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
        return new CheckpointTensors(directory, files, fileOf);
    }

    private static Path shardPath(Path directory, Path index, String shard, List<String> tensors) {
        Path base = directory.toAbsolutePath().normalize();
        Path path = base.resolve(shard).normalize();
        if (!base.equals(path.getParent())) {
            throw new InvalidCheckpointException(String.format(Locale.ROOT,
                    "%s names shard '%s' outside the checkpoint directory", index, shard));
        }
        if (!Files.isRegularFile(path)) {
            String others = tensors.size() > 1 ? " and " + (tensors.size() - 1) + " more" : "";
            throw new InvalidCheckpointException(String.format(Locale.ROOT,
                    "%s maps tensor '%s'%s to shard %s, which is missing", index, tensors.get(0), others, path));
        }
        return path;
    }

    private static Map<String, String> weightMap(Path index) {
        JsonElement root;
        try {
            root = JsonParser.parseString(Files.readString(index, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + index, e);
        } catch (JsonParseException e) {
            throw new InvalidCheckpointException(index + " is not valid JSON: " + e.getMessage(), e);
        }
        JsonElement map = root.isJsonObject() ? root.getAsJsonObject().get("weight_map") : null;
        if (map == null || !map.isJsonObject()) {
            throw new InvalidCheckpointException(index + " has no 'weight_map' object");
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> entry : ((JsonObject) map).entrySet()) {
            JsonElement shard = entry.getValue();
            if (!shard.isJsonPrimitive() || !shard.getAsJsonPrimitive().isString()) {
                throw new InvalidCheckpointException(String.format(Locale.ROOT,
                        "%s maps tensor '%s' to %s, not to a file name", index, entry.getKey(), shard));
            }
            weightMap.put(entry.getKey(), shard.getAsString());
        }
        if (weightMap.isEmpty()) {
            throw new InvalidCheckpointException(index + " has an empty 'weight_map'");
        }
        return weightMap;
    }

    private static SafetensorsFile openShard(Path path) {
        try {
            return SafetensorsFile.open(path);
        } catch (InvalidCheckpointException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidCheckpointException(e.getMessage(), e);
        }
    }

    private static String fileNames(List<Path> paths) {
        List<String> names = new ArrayList<>();
        for (Path path : paths) {
            names.add(path.getFileName().toString());
        }
        return names.toString();
    }

    /** The checkpoint directory. */
    public Path directory() {
        return directory;
    }

    /** Names of all tensors, ascending. */
    public List<String> names() {
        return List.copyOf(fileOf.keySet());
    }

    /** Whether the checkpoint holds tensor {@code name}. */
    public boolean contains(String name) {
        return fileOf.containsKey(name);
    }

    /** The header of tensor {@code name} (dtype, shape, offsets). */
    public TensorHeader header(String name) {
        return file(name).header(name);
    }

    /** The shape of tensor {@code name}. */
    public long[] shape(String name) {
        return header(name).shape();
    }

    /** The file holding tensor {@code name}. */
    public Path fileOf(String name) {
        return file(name).path();
    }

    /** Tensor {@code name} as float32 values (F32, F16 or BF16 widened). */
    public float[] floats(String name) {
        return file(name).floats(name);
    }

    /** Tensor {@code name} as a FLOAT32 array (INT64 for an integer tensor) attached to {@code manager}. */
    public NDArray toArray(NDManager manager, String name) {
        return file(name).toArray(manager, name);
    }

    /** Tensor {@code name} as an array of {@code dataType} attached to {@code manager}; see {@link SafetensorsFile}. */
    public NDArray toArray(NDManager manager, String name, DataType dataType) {
        return file(name).toArray(manager, name, dataType);
    }

    private SafetensorsFile file(String name) {
        SafetensorsFile file = fileOf.get(name);
        if (file == null) {
            throw new InvalidCheckpointException("checkpoint " + directory + " has no tensor '" + name + "'");
        }
        return file;
    }

    /** Closes every shard. */
    @Override
    public void close() {
        for (SafetensorsFile file : files) {
            file.close();
        }
    }
}
