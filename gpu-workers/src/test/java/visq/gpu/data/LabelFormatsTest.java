package visq.gpu.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.tasks.QualityTask;
import visq.gpu.image.Severity;

/**
 * The seed repositories' label formats (Q-Insight JSON, VisualQuality-R1 JSONL) and the KADID-10K / TID2013 file
 * naming, on tiny fixtures written here, well-formed and malformed; every problem is named with file and line.
 */
class LabelFormatsTest {

    @TempDir
    Path folder;

    @BeforeEach
    void addImages() throws IOException {
        for (String name : List.of("a.jpg", "b.jpg", "c.jpg", "I01_01_01.png", "I01_10_05.png", "I02_17_03.png",
                "I02_19_02.png", "i01_01_1.bmp", "i03_08_4.bmp", "i03_16_2.bmp")) {
            Files.write(folder.resolve(name), new byte[] {1});
        }
    }

    // Q-Insight ---------------------------------------------------------------------------------------------------

    @Test
    void readsQInsightScoreAndDegradationEntries() throws IOException {
        write("q.json", """
                [
                  {"id": "1", "image": "a.jpg", "gt_score": 4.2, "std": 0.3},
                  {"id": "2", "images": ["b.jpg"], "gt_score": "2.2"},
                  {"image": "c.jpg", "gt_score": 3.2, "distortion_class": "blur", "severity": "moderate"}
                ]
                """);
        DatasetReading reading = read(spec(DatasetFormat.Q_INSIGHT, "q.json"));
        assertEquals(List.of(), reading.problems());
        assertEquals(List.of("qi/a.jpg", "qi/b.jpg", "qi/c.jpg"), ids(reading));
        // observed range [2.2, 4.2]: 1 + 4 (x - 2.2) / 2 (method.md §1)
        assertEquals(List.of(5.0, 1.0, 3.0), normalised(reading));
        assertEquals(Optional.of(DegradationLabel.of(DegradationClass.BLUR, Severity.MODERATE)),
                reading.samples().get(2).label());
    }

    @Test
    void readsQInsightDegradationOnlyEntriesWithTheSeverityProxy() throws IOException {
        write("d.json", """
                [{"image": "a.jpg", "distortion_class": "noise", "severity": 4},
                 {"image": "b.jpg", "distortion_class": null, "severity": null}]
                """);
        DatasetReading reading = read(spec(DatasetFormat.Q_INSIGHT, "d.json")
                .withTasks(List.of(QualityTask.DEGRADATION)));
        assertEquals(List.of(), reading.problems());
        // DegradationSet.proxyMos: 5 - 0.8 * level, 5 for none
        assertEquals(List.of(1.8, 5.0), normalised(reading));
        assertEquals(Optional.of(DegradationLabel.none()), reading.samples().get(1).label());
    }

    @Test
    void namesEveryProblemOfAQInsightFile() throws IOException {
        write("q.json", """
                [
                  {"image": "a.jpg", "gt_score": "high"},
                  {"gt_score": 3},
                  {"image": ["a.jpg", "b.jpg"], "gt_score": 3},
                  {"image": "b.jpg"},
                  {"image": "b.jpg", "distortion_class": "haze", "severity": "slight"},
                  {"image": "c.jpg", "distortion_class": "blur", "severity": "extreme"},
                  {"image": "c.jpg", "distortion_class": "blur"},
                  "c.jpg"
                ]
                """);
        assertProblems(spec(DatasetFormat.Q_INSIGHT, "q.json").withTasks(List.of(QualityTask.DEGRADATION)),
                "q.json: no entry has a degradation label, but the dataset serves the degradation task (format "
                        + "q-insight)",
                "q.json line 2: gt_score 'high' is not a number",
                "q.json line 3: entry has no image",
                "q.json line 4: entry names 2 images; a quality label belongs to one",
                "q.json line 5: entry has neither gt_score nor distortion_class",
                "q.json line 6: distortion_class 'haze' is not one of noise, compression, blur, darken",
                "q.json line 7: severity 'extreme' is not one of slight, moderate, obvious, serious, catastrophic "
                        + "(or 1..5)",
                "q.json line 8: distortion_class 'blur' has no severity",
                "q.json line 9: entry is not a JSON object");
    }

    @Test
    void refusesQInsightDegradationEntriesWhereScoresAreServed() throws IOException {
        write("d.json", "[{\"image\": \"a.jpg\", \"distortion_class\": \"noise\", \"severity\": 2}]");
        assertProblems(spec(DatasetFormat.Q_INSIGHT, "d.json"),
                "d.json line 1: image 'a.jpg' has no MOS, but the dataset serves the score tasks");
    }

    @Test
    void refusesBrokenOrEmptyQInsightJson() throws IOException {
        write("q.json", "[\n {\"image\": \"a.jpg\", \"gt_score\": 3},\n {\"image\": \"b.jpg\" \"gt_score\": 2}\n]");
        List<String> problems = problems(spec(DatasetFormat.Q_INSIGHT, "q.json"));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("q.json line 3: is not valid JSON"), problems.get(0));
        write("q.json", "{\"image\": \"a.jpg\"}");
        assertProblems(spec(DatasetFormat.Q_INSIGHT, "q.json"), "q.json line 1: is not a JSON array of entries");
        write("q.json", "[]");
        assertProblems(spec(DatasetFormat.Q_INSIGHT, "q.json"), "q.json: has no entries");
    }

    // VisualQuality-R1 --------------------------------------------------------------------------------------------

    @Test
    void readsVisualQualityR1Jsonl() throws IOException {
        write("v.jsonl", """
                {"id": 0, "dataset_name": "toy", "image": ["a.jpg"], "conversations": [{"from": "human", "value": "Rate it."}, {"from": "gpt", "value": 3.5}]}

                {"id": 1, "image": "b.jpg", "conversations": [{"from": "human", "value": "Rate it."}, {"from": "gpt", "value": "1.5"}]}
                """);
        DatasetReading reading = read(spec(DatasetFormat.VISUALQUALITY_R1, "v.jsonl"));
        assertEquals(List.of(), reading.problems());
        assertEquals(List.of("qi/a.jpg", "qi/b.jpg"), ids(reading));
        assertEquals(List.of(3.5, 1.5), reading.samples().stream().map(IqaSample::mos).toList());
        assertEquals(List.of(5.0, 1.0), normalised(reading));
    }

    @Test
    void namesEveryProblemOfAVisualQualityR1File() throws IOException {
        write("v.jsonl", String.join("\n",
                "{\"image\": \"a.jpg\", \"conversations\": [{\"from\": \"gpt\", \"value\": \"good\"}]}",
                "{\"image\": \"b.jpg\", \"conversations\": [{\"from\": \"human\", \"value\": \"Rate it.\"}]}",
                "{\"image\": \"c.jpg\"}",
                "{\"image\": \"c.jpg\", \"conversations\": [{\"from\": \"gpt\", \"value\": 2}",
                "[1, 2]",
                "{\"image\": \"d.jpg\", \"conversations\": [{\"from\": \"gpt\", \"value\": 2}]}",
                "{\"image\": \"a.jpg\", \"conversations\": [{\"from\": \"gpt\", \"value\": 200}]}"));
        List<String> problems = problems(spec(DatasetFormat.VISUALQUALITY_R1, "v.jsonl")
                .withMosRange(new MosScale(1, 5)));
        assertEquals(List.of(
                "v.jsonl line 1: the gpt turn's value (MOS) 'good' is not a number",
                "v.jsonl line 2: entry has no gpt turn carrying the MOS",
                "v.jsonl line 3: entry has no conversations list",
                "v.jsonl line 5: is not a JSON object",
                "v.jsonl line 6: image 'd.jpg' not found in " + folder.toAbsolutePath().normalize()
                        + " or its images/ folder",
                "v.jsonl line 7: mos 200.0 is outside the declared mos-range [1, 5]"),
                problems.stream().filter(p -> !p.startsWith("v.jsonl line 4:")).toList());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("v.jsonl line 4: is not valid JSON")),
                problems.toString());
    }

    // KADID-10K and TID2013 ---------------------------------------------------------------------------------------

    @Test
    void readsKadidNamesAsDegradationLabelsAndReferencesAsGroups() throws IOException {
        write("dmos.csv", "dist_img,ref_img,dmos,var\nI01_01_01.png,I01.png,4.5,0.1\nI01_10_05.png,I01.png,1.5,0.2\n"
                + "I02_17_03.png,I02.png,2.5,0.3\nI02_19_02.png,I02.png,3.5,0.1\n");
        DatasetReading reading = read(spec(DatasetFormat.KADID, "dmos.csv")
                .withTasks(List.of(QualityTask.SCORE, QualityTask.DEGRADATION)));
        assertEquals(List.of(), reading.problems());
        // KADID types 01 Gaussian blur, 10 JPEG, 17 darken, 19 jitter (no class); the level is the severity
        assertEquals(List.of(Optional.of(DegradationLabel.of(DegradationClass.BLUR, Severity.SLIGHT)),
                Optional.of(DegradationLabel.of(DegradationClass.COMPRESSION, Severity.CATASTROPHIC)),
                Optional.of(DegradationLabel.of(DegradationClass.DARKEN, Severity.OBVIOUS)), Optional.empty()),
                reading.samples().stream().map(IqaSample::label).toList());
        assertEquals(List.of("I01", "I01", "I02", "I02"),
                reading.samples().stream().map(s -> reading.groups().get(s.id())).toList());
        DatasetSplit.Parts parts = new DatasetReading(reading.spec().withSplit(SplitMode.HELD_OUT, 1, 0.5),
                reading.samples(), reading.groups(), reading.problems()).split();
        assertEquals(2, parts.validation().size(), "one of two references held out, with both its images");
        assertEquals(1, parts.validation().stream().map(s -> reading.groups().get(s.id())).distinct().count());
    }

    @Test
    void readsTid2013MosWithNames() throws IOException {
        write("mos_with_names.txt", "5.51429 i01_01_1.bmp\n3.20000 i03_08_4.bmp\n4.1 i03_16_2.bmp\n");
        DatasetReading reading = read(spec(DatasetFormat.TID2013, "mos_with_names.txt"));
        assertEquals(List.of(), reading.problems());
        // TID2013 types 01 additive Gaussian noise, 08 Gaussian blur, 16 mean shift (no class)
        assertEquals(List.of(Optional.of(DegradationLabel.of(DegradationClass.NOISE, Severity.SLIGHT)),
                Optional.of(DegradationLabel.of(DegradationClass.BLUR, Severity.SERIOUS)), Optional.empty()),
                reading.samples().stream().map(IqaSample::label).toList());
        assertEquals(5.51429, reading.samples().get(0).mos());
    }

    @Test
    void namesEveryProblemOfADistortionNamedSet() throws IOException {
        write("dmos.csv", "dist_img,dmos\nphoto.png,3\nI01_26_01.png,3\nI01_01_07.png,2\nI01_01_01.png,x\n");
        assertProblems(spec(DatasetFormat.KADID, "dmos.csv"),
                "dmos.csv line 2: image 'photo.png' is not named <reference>_<type>_<level>.<ext> as kadid names "
                        + "its images",
                "dmos.csv line 3: image 'I01_26_01.png': distortion type 26 is not one of kadid's 25",
                "dmos.csv line 4: image 'I01_01_07.png': level 7 is not 1..5",
                "dmos.csv line 5: mos 'x' is not a number");
        write("mos.txt", "5.1 i01_01_1.bmp\n4.0\n");
        assertProblems(spec(DatasetFormat.TID2013, "mos.txt"), "mos.txt line 2: expected 'MOS NAME', got '4.0'");
        write("dmos.csv", "name,score\nI01_01_01.png,3\n");
        assertProblems(spec(DatasetFormat.KADID, "dmos.csv"), "dmos.csv line 1: header lacks the column 'dist_img' "
                + "(or 'image')");
    }

    // ---------------------------------------------------------------------------------------------------------------

    private DatasetSpec spec(DatasetFormat format, String labels) {
        return DatasetSpec.forEvaluation("qi", format, folder, folder.resolve(labels));
    }

    private DatasetReading read(DatasetSpec spec) throws IOException {
        return DatasetReader.read(spec, folder);
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(folder.resolve(name), text, StandardCharsets.UTF_8);
    }

    private List<String> problems(DatasetSpec spec) throws IOException {
        return read(spec).problems().stream().map(p -> p.toString().replace(folder + "/", "")).toList();
    }

    private void assertProblems(DatasetSpec spec, String... expected) throws IOException {
        assertEquals(List.of(expected), problems(spec));
    }

    private static List<String> ids(DatasetReading reading) {
        return reading.samples().stream().map(IqaSample::id).toList();
    }

    private static List<Double> normalised(DatasetReading reading) {
        return reading.samples().stream().map(IqaSample::normalisedMos).toList();
    }
}
