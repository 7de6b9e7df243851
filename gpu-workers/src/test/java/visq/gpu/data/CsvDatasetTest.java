package visq.gpu.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plain CSV format (image, mos[, mos_std]) on the shared CLIVE table and on tiny fixtures, malformed ones too. */
class CsvDatasetTest {

    @TempDir
    Path folder;

    @BeforeEach
    void addImages() throws IOException {
        Files.write(folder.resolve("a.png"), new byte[] {1});
        Files.write(folder.resolve("b.png"), new byte[] {2});
        Files.createDirectories(folder.resolve("images"));
        Files.write(folder.resolve("images").resolve("c.png"), new byte[] {3});
    }

    @Test
    void readsTheRealCliveTable() throws IOException {
        List<IqaSample> samples = TestDatasets.clive();
        assertEquals(820, samples.size());
        double min = samples.stream().mapToDouble(IqaSample::normalisedMos).min().orElseThrow();
        double max = samples.stream().mapToDouble(IqaSample::normalisedMos).max().orElseThrow();
        assertEquals(1.0, min);
        assertEquals(5.0, max);

        IqaSample first = samples.get(0);
        assertEquals("clive/100.png", first.id());
        assertEquals("clive", first.dataset());
        assertEquals(32.56107532210109, first.mos()); // first row of ../shared/data/clive/mos.csv
        assertTrue(first.label().isEmpty());
        assertTrue(Files.isRegularFile(first.image()), first.image().toString());
        assertEquals("clive/t7.png", samples.get(819).id());
        assertEquals(820, samples.stream().map(IqaSample::id).distinct().count());
    }

    @Test
    void normalisesOntoOneToFiveFromTheObservedRange() throws IOException {
        write("image,mos\na.png,10\nb.png,30\nc.png,20\n");
        List<IqaSample> samples = read(spec()).samples();
        assertEquals(List.of(1.0, 5.0, 3.0), samples.stream().map(IqaSample::normalisedMos).toList());
        assertEquals(folder.resolve("images").resolve("c.png").toAbsolutePath().normalize(), samples.get(2).image());
    }

    @Test
    void normalisesFromTheDeclaredRange() throws IOException {
        write("image,mos\na.png,25\nb.png,75\n");
        // 1 + 4 (25 - 0) / 100 = 2 and 1 + 4 * 75 / 100 = 4 (method.md §1 with min 0, max 100)
        assertEquals(List.of(2.0, 4.0), read(spec().withMosRange(new MosScale(0, 100))).samples().stream()
                .map(IqaSample::normalisedMos).toList());
    }

    @Test
    void acceptsBomCrlfQuotesExtraColumnsAndBlankLines() throws IOException {
        write("\uFEFFmos,Image,comment\r\n2.5,\"a.png\",\"says \"\"hi\"\", twice\"\r\n\r\n4,b.png,x\r\n");
        List<IqaSample> samples = read(spec()).samples();
        assertEquals(2, samples.size());
        assertEquals("toy/a.png", samples.get(0).id());
        assertEquals(4.0, samples.get(1).mos());
    }

    @Test
    void mapsAConstantDatasetToTheMiddle() throws IOException {
        write("image,mos\na.png,7\n");
        assertEquals(3.0, read(spec()).samples().get(0).normalisedMos());
    }

    @Test
    void namesFileAndLineOfEveryProblemAtOnce() throws IOException {
        write("image,mos,mos_std\na.png,1,0.5\nb.png,abc,0.5\nc.png,2,wide\nd.png,NaN,1\na.png,3,1\n,4,1\n"
                + "missing.png,2,1\n../a.png,1,1\nb.png\n\"x.png,1,1\n");
        assertProblems(spec(),
                "t.csv line 3: mos 'abc' is not a number",
                "t.csv line 4: mos_std 'wide' is not a number",
                "t.csv line 5: mos 'NaN' is not finite",
                "t.csv line 6: image 'a.png' is listed twice (first on line 2)",
                "t.csv line 7: image name is empty",
                "t.csv line 8: image 'missing.png' not found in " + folder.toAbsolutePath().normalize()
                        + " or its images/ folder",
                "t.csv line 9: image '../a.png' lies outside " + folder.toAbsolutePath().normalize(),
                "t.csv line 10: has 1 fields, the header has 3",
                "t.csv line 11: has a quote that is never closed");
    }

    @Test
    void refusesAScoreOutsideTheDeclaredRange() throws IOException {
        write("image,mos\na.png,50\nb.png,101\n");
        assertProblems(spec().withMosRange(new MosScale(0, 100)),
                "t.csv line 3: mos 101.0 is outside the declared mos-range [0, 100]");
    }

    @Test
    void refusesAMissingColumn() throws IOException {
        write("image,score\na.png,1\n");
        assertProblems(spec(), "t.csv line 1: header lacks the column 'mos' (a CSV dataset has the columns image, "
                + "mos and optionally mos_std)");
    }

    @Test
    void refusesEmptyTables() throws IOException {
        write("");
        assertProblems(spec(), "t.csv: is empty: no header row");
        write("image,mos\n");
        assertProblems(spec(), "t.csv: has a header but no rows");
    }

    @Test
    void refusesAMissingLabelsFileOrImagesFolder() throws IOException {
        assertProblems(spec(), "t.csv: labels file not found (dataset toy)");
        write("image,mos\na.png,1\n");
        Path nowhere = folder.resolve("nowhere");
        assertProblems(DatasetSpec.forEvaluation("toy", DatasetFormat.CSV, nowhere, folder.resolve("t.csv")),
                nowhere + ": images folder not found (dataset toy)");
    }

    @Test
    void refusesTheDegradationTaskWithoutLabels() throws IOException {
        write("image,mos\na.png,1\n");
        assertProblems(spec().withTasks(List.of(visq.gpu.tasks.QualityTask.DEGRADATION)),
                "t.csv: no entry has a degradation label, but the dataset serves the degradation task (format csv)");
    }

    @Test
    void keepsAnEntryWhoseImageIsMissingForEvaluation() throws IOException {
        write("image,mos\na.png,1\nmissing.png,3\n");
        DatasetReading reading = read(spec());
        assertEquals(2, reading.samples().size());
        assertEquals(List.of(), reading.invalidProblems());
        assertEquals(DatasetProblem.Kind.MISSING_IMAGE, reading.problems().get(0).kind());
    }

    private DatasetSpec spec() {
        return DatasetSpec.forEvaluation("toy", DatasetFormat.CSV, folder, folder.resolve("t.csv"));
    }

    private DatasetReading read(DatasetSpec spec) throws IOException {
        return DatasetReader.read(spec, folder);
    }

    private void write(String text) throws IOException {
        Files.writeString(folder.resolve("t.csv"), text, StandardCharsets.UTF_8);
    }

    private void assertProblems(DatasetSpec spec, String... expected) throws IOException {
        List<String> problems = read(spec).problems().stream()
                .map(p -> p.toString().replace(folder.resolve("t.csv").toString(), "t.csv")).toList();
        assertEquals(List.of(expected), problems);
    }
}
