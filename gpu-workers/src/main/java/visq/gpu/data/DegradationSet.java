package visq.gpu.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import visq.gpu.image.Degrader;
import visq.gpu.image.ImageDecoder;
import visq.gpu.image.ImageLimits;
import visq.gpu.image.raster.IntRgbImages;
import visq.gpu.image.InvalidImageException;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.Severity;

/**
 * Generates degraded images with exact labels from pristine sources (the 24 Kodak PNGs), deterministically
 * from a seed.
 *
 * <p>For each of the first {@code sourceLimit} PNGs of the source folder (by name) it cuts
 * {@code cropsPerSource} square crops of {@code cropSize} at seeded positions and writes, per crop, the
 * undistorted crop plus one image per class × severity (4 × 5), i.e. 21 PNGs, named
 * {@code <source>_c<k>_<class>-<severity>.png} or {@code <source>_c<k>_none.png}, together with
 * {@code labels.csv} (image, mos, source, crop, x, y, distortion_class, severity) and {@code manifest.properties}.
 * The manifest, written last, records the seed, settings and sources; when it already matches, nothing is
 * generated and the samples are read back from {@code labels.csv}.
 *
 * <p>Sample ids are {@code kodak-degraded/<source>/c<k>/<class>-<severity>} (or {@code .../none}; the dataset id
 * {@value #DATASET_ID} unless another is given); use
 * {@link #sourceImage(IqaSample)} as the group key of a {@link DatasetSplit}.
 *
 * <p>The {@code mos} of these samples is a <b>proxy</b>, not a human opinion: {@link #proxyMos} gives 5 for an
 * undistorted crop and {@code 5 − 0.8 × level} for severity level 1..5 (4.2, 3.4, 2.6, 1.8, 1.0), equal across
 * classes. It is already on [1, 5], so the normalised score equals it.
 */
public final class DegradationSet {

    /** The dataset id of generated samples. */
    public static final String DATASET_ID = "kodak-degraded";
    static final String LABELS_FILE = "labels.csv";
    static final String MANIFEST_FILE = "manifest.properties";
    private static final String FORMAT_VERSION = "1";
    private static final ImageLimits SOURCE_LIMITS = ImageLimits.defaults();

    /**
     * What to generate.
     *
     * @param seed drives crop positions and noise
     * @param sourceLimit how many source images to use, first by file name
     * @param cropsPerSource how many crops to cut from each source
     * @param cropSize the side of each square crop (shrunk to the source's shorter side if that is smaller)
     */
    public record Settings(long seed, int sourceLimit, int cropsPerSource, int cropSize) {
        public Settings {
            if (sourceLimit <= 0 || cropsPerSource <= 0 || cropSize < ImageLimits.DEFAULT_MIN_SIDE) {
                throw new IllegalArgumentException("degradation set needs sourceLimit > 0, cropsPerSource > 0 and "
                        + "cropSize >= " + ImageLimits.DEFAULT_MIN_SIDE + ", got " + sourceLimit + ", "
                        + cropsPerSource + ", " + cropSize);
            }
        }

        /** Seed 1, all 24 Kodak images, two 256×256 crops each: 1,008 samples. */
        public static Settings defaults() {
            return new Settings(1L, 24, 2, 256);
        }
    }

    private final Settings settings;
    private final String datasetId;

    /** Generates samples of the dataset {@value #DATASET_ID}. */
    public DegradationSet(Settings settings) {
        this(settings, DATASET_ID);
    }

    /** Generates samples whose ids and dataset are {@code datasetId}. */
    public DegradationSet(Settings settings, String datasetId) {
        this.settings = settings;
        this.datasetId = datasetId;
    }

    /**
     * The labelled samples generated from {@code sourceFolder} into {@code targetFolder}, generating only when
     * the target does not already hold this exact set.
     */
    public List<IqaSample> generate(Path sourceFolder, Path targetFolder) throws IOException {
        List<Path> sources = sources(sourceFolder);
        Properties manifest = manifest(sources);
        Path manifestFile = targetFolder.resolve(MANIFEST_FILE);
        if (Files.isRegularFile(manifestFile) && manifest.equals(readProperties(manifestFile))) {
            Optional<List<IqaSample>> existing = readLabels(targetFolder, datasetId);
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        Files.createDirectories(targetFolder);
        Files.deleteIfExists(manifestFile);
        List<LabelRow> rows = new ArrayList<>();
        try {
            // sources are independent and seeded by name, so parallel generation gives the same files
            sources.parallelStream().map(source -> generateFrom(source, targetFolder)).forEachOrdered(rows::addAll);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        writeLabels(targetFolder.resolve(LABELS_FILE), rows);
        writeManifest(manifestFile, manifest);
        return rows.stream().map(row -> row.toSample(targetFolder, datasetId)).toList();
    }

    /** The proxy score of {@code label}: 5 for none, {@code 5 − 0.8 × level} otherwise. */
    public static double proxyMos(DegradationLabel label) {
        return label.severity().map(severity -> (25 - 4 * severity.level()) / 5.0).orElse(5.0);
    }

    /** The crop a generated sample was degraded from, e.g. {@code kodim07/c1}: one per source image and crop. */
    public static String sourceCrop(IqaSample sample) {
        String[] parts = sample.id().split("/");
        return sourceImage(sample) + "/" + parts[2];
    }

    /** The source image a generated sample was cut from (its group for splitting), e.g. {@code kodim07}. */
    public static String sourceImage(IqaSample sample) {
        String[] parts = sample.id().split("/");
        if (parts.length != 4 || !parts[0].equals(sample.dataset()) || !parts[2].startsWith("c")) {
            throw new IllegalArgumentException("not a generated degradation sample: " + sample.id());
        }
        return parts[1];
    }

    private List<LabelRow> generateFrom(Path sourceFile, Path targetFolder) {
        BufferedImage source;
        try {
            source = ImageDecoder.decode(sourceFile, SOURCE_LIMITS);
        } catch (IOException e) {
            throw new UncheckedIOException("source image " + sourceFile + " is unreadable", e);
        } catch (InvalidImageException e) {
            throw new UncheckedIOException(new IOException(
                    "source image " + sourceFile + " is unusable: " + e.getMessage(), e));
        }
        String sourceName = baseName(sourceFile);
        int side = Math.min(settings.cropSize(), Math.min(source.getWidth(), source.getHeight()));
        List<LabelRow> rows = new ArrayList<>();
        for (int crop = 0; crop < settings.cropsPerSource(); crop++) {
            long cropSeed = derive(derive(settings.seed(), sourceName.hashCode()), crop);
            SplittableRandom random = new SplittableRandom(cropSeed);
            int x = random.nextInt(source.getWidth() - side + 1);
            int y = random.nextInt(source.getHeight() - side + 1);
            BufferedImage cropped = IntRgbImages.copyOf(source.getSubimage(x, y, side, side));
            for (DegradationLabel label : allLabels()) {
                LabelRow row = new LabelRow(sourceName, crop, x, y, label);
                BufferedImage degraded = Degrader.apply(cropped, label, derive(cropSeed, labelIndex(label)));
                writePng(degraded, targetFolder.resolve(row.fileName()));
                rows.add(row);
            }
        }
        return rows;
    }

    private static List<DegradationLabel> allLabels() {
        List<DegradationLabel> labels = new ArrayList<>();
        labels.add(DegradationLabel.none());
        for (DegradationClass degradation : DegradationClass.values()) {
            for (Severity severity : Severity.values()) {
                labels.add(DegradationLabel.of(degradation, severity));
            }
        }
        return labels;
    }

    private static int labelIndex(DegradationLabel label) {
        return label.degradationClass().map(c -> 1 + c.ordinal() * 5 + label.severity().orElseThrow().level() - 1)
                .orElse(0);
    }

    private List<Path> sources(Path sourceFolder) throws IOException {
        try (Stream<Path> files = Files.list(sourceFolder)) {
            List<Path> sources = files
                    .filter(path -> path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png"))
                    .sorted()
                    .limit(settings.sourceLimit())
                    .toList();
            if (sources.isEmpty()) {
                throw new IOException("no PNG source images in " + sourceFolder);
            }
            return sources;
        }
    }

    private Properties manifest(List<Path> sources) throws IOException {
        Properties manifest = new Properties();
        manifest.setProperty("format", FORMAT_VERSION);
        manifest.setProperty("seed", Long.toString(settings.seed()));
        manifest.setProperty("sourceLimit", Integer.toString(settings.sourceLimit()));
        manifest.setProperty("cropsPerSource", Integer.toString(settings.cropsPerSource()));
        manifest.setProperty("cropSize", Integer.toString(settings.cropSize()));
        StringBuilder listing = new StringBuilder();
        for (Path source : sources) {
            listing.append(source.getFileName()).append(':').append(Files.size(source)).append(' ');
        }
        manifest.setProperty("sources", listing.toString().trim());
        return manifest;
    }

    /** Sorted {@code key=value} lines without the date comment {@link Properties#store} adds, so reruns match byte for byte. */
    private static void writeManifest(Path file, Properties manifest) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String key : new TreeSet<>(manifest.stringPropertyNames())) {
                out.write(key + "=" + manifest.getProperty(key) + "\n");
            }
        }
    }

    private static Properties readProperties(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        return properties;
    }

    /** The samples of an existing {@code labels.csv}, or empty when it or one of its images is missing. */
    private static Optional<List<IqaSample>> readLabels(Path targetFolder, String datasetId) throws IOException {
        Path labelsFile = targetFolder.resolve(LABELS_FILE);
        if (!Files.isRegularFile(labelsFile)) {
            return Optional.empty();
        }
        CsvTable table = CsvTable.read(labelsFile);
        int source = table.requireColumn("source");
        int crop = table.requireColumn("crop");
        int x = table.requireColumn("x");
        int y = table.requireColumn("y");
        int degradation = table.requireColumn("distortion_class");
        int severity = table.requireColumn("severity");
        List<IqaSample> samples = new ArrayList<>();
        for (CsvTable.Row row : table.rows()) {
            DegradationLabel label = CsvTable.field(row, degradation).isEmpty()
                    ? DegradationLabel.none()
                    : DegradationLabel.of(
                            DegradationClass.fromAnswerName(CsvTable.field(row, degradation)).orElseThrow(() ->
                                    new MalformedDatasetException(labelsFile, row.line(), "unknown distortion_class")),
                            Severity.fromAnswerName(CsvTable.field(row, severity)).orElseThrow(() ->
                                    new MalformedDatasetException(labelsFile, row.line(), "unknown severity")));
            LabelRow labelRow = new LabelRow(CsvTable.field(row, source), (int) table.number(row, crop, "crop"),
                    (int) table.number(row, x, "x"), (int) table.number(row, y, "y"), label);
            if (!Files.isRegularFile(targetFolder.resolve(labelRow.fileName()))) {
                return Optional.empty();
            }
            samples.add(labelRow.toSample(targetFolder, datasetId));
        }
        return Optional.of(List.copyOf(samples));
    }

    private static void writeLabels(Path file, List<LabelRow> rows) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("image,mos,source,crop,x,y,distortion_class,severity\n");
            for (LabelRow row : rows) {
                out.write(row.csvLine());
            }
        }
    }

    private static void writePng(BufferedImage image, Path file) {
        try {
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IllegalStateException("this Java runtime has no ImageIO writer for PNG");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** A seed derived from {@code base} and {@code salt}, well mixed (SplitMix64 via SplittableRandom). */
    private static long derive(long base, long salt) {
        return new SplittableRandom(base ^ (salt * 0x9E3779B97F4A7C15L)).nextLong();
    }

    /** One generated image: where it was cut and what was done to it. */
    private record LabelRow(String source, int crop, int x, int y, DegradationLabel label) {

        String variant() {
            return label.degradationClass()
                    .map(c -> c.answerName() + "-" + label.severity().orElseThrow().answerName())
                    .orElse("none");
        }

        String fileName() {
            return source + "_c" + crop + "_" + variant() + ".png";
        }

        String csvLine() {
            return fileName() + "," + proxyMos(label) + "," + source + "," + crop + "," + x + "," + y + ","
                    + label.degradationClass().map(DegradationClass::answerName).orElse("") + ","
                    + label.severity().map(Severity::answerName).orElse("") + "\n";
        }

        IqaSample toSample(Path targetFolder, String datasetId) {
            double mos = proxyMos(label);
            return new IqaSample(datasetId + "/" + source + "/c" + crop + "/" + variant(), datasetId,
                    targetFolder.resolve(fileName()), mos, mos, Optional.of(label));
        }
    }
}
