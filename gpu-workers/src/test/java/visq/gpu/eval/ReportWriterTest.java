package visq.gpu.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import visq.gpu.golden.StrictJson;
import org.junit.jupiter.api.io.TempDir;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.Severity;

class ReportWriterTest {

    private static final double[] MOS = {1.0, 2.0, 2.5, 3.0, 4.0, 4.5};
    private static final double[] MODEL = {1.2, 1.9, 2.9, 2.8, 3.9, 4.6};
    private static final double[] NIQE = {8.0, 6.5, 6.0, 5.0, 3.5, 3.0};

    private static EvaluationReport report(String dataset, Optional<DegradationMetrics> degradation) {
        return new EvaluationReport(dataset, MOS.length, 42L, "visq-compact \"tiny\"",
                ScoreDecoding.meanOfSamples(8, 1.0), ScoreAgreement.of(MODEL, MOS),
                List.of(BaselineRow.evaluate("NIQE", NIQE, ScoreOrientation.LOWER_IS_BETTER, MOS),
                        BaselineRow.evaluate("constant", new double[] {1, 1, 1, 1, 1, 1},
                                ScoreOrientation.HIGHER_IS_BETTER, MOS)),
                degradation, 1, OptionalDouble.of(0.75));
    }

    private static DegradationMetrics degradation() {
        return DegradationMetrics.of(List.of(
                new DegradationPair(DegradationLabel.of(DegradationClass.BLUR, Severity.SLIGHT),
                        Optional.of(DegradationLabel.of(DegradationClass.BLUR, Severity.SLIGHT))),
                new DegradationPair(DegradationLabel.none(), Optional.empty())));
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonIsStrictAndCarriesEveryField(@TempDir Path folder) throws IOException {
        ReportWriter.WrittenReport written =
                ReportWriter.write(report("KonIQ/test\tsplit", Optional.of(degradation())), folder);
        assertEquals("KonIQ_test_split-evaluation.json", written.json().getFileName().toString());
        Map<String, Object> json = (Map<String, Object>) StrictJson.parse(Files.readString(written.json()));

        assertEquals("KonIQ/test\tsplit", json.get("dataset"), "escaped tab round-trips");
        assertEquals("visq-compact \"tiny\"", json.get("model_id"), "escaped quotes round-trip");
        assertEquals(42.0, json.get("weight_version"));
        assertEquals("mean of 8 samples at T=1.0", ((Map<String, Object>) json.get("decoding")).get("description"));
        assertEquals(0.75, json.get("rationale_agreement"));

        Map<String, Object> model = (Map<String, Object>) json.get("model");
        assertEquals(CorrelationMetrics.srcc(MODEL, MOS), (Double) model.get("srcc"), 0.0, "written at full precision");
        assertTrue(((Map<String, Object>) model.get("logistic")).containsKey("b4"));

        List<Object> baselines = (List<Object>) json.get("baselines");
        Map<String, Object> niqe = (Map<String, Object>) baselines.get(0);
        assertEquals(true, niqe.get("negated_before_correlating"));
        // Closed form: NIQE here is strictly decreasing in MOS, so negated it ranks perfectly.
        assertEquals(1.0, niqe.get("srcc"));
        Map<String, Object> constant = (Map<String, Object>) baselines.get(1);
        assertNull(constant.get("srcc"), "NaN written as null");
        assertTrue(constant.containsKey("srcc"));

        Map<String, Object> degradation = (Map<String, Object>) json.get("degradation");
        assertEquals(0.5, degradation.get("class_accuracy"));
        Map<String, Object> confusion = (Map<String, Object>) degradation.get("confusion");
        assertEquals(List.of("noise", "compression", "blur", "darken", "none", "unparsable"), confusion.get("columns"));
        Map<String, Object> noneRow = (Map<String, Object>) ((List<Object>) confusion.get("rows")).get(4);
        assertEquals(List.of(0.0, 0.0, 0.0, 0.0, 0.0, 1.0), noneRow.get("counts"));
    }

    @Test
    void markdownShowsModelAndBaselinesSideBySide(@TempDir Path folder) throws IOException {
        ReportWriter.WrittenReport written = ReportWriter.write(report("spaq", Optional.empty()), folder);
        String md = Files.readString(written.markdown());
        assertTrue(md.startsWith("# Evaluation: spaq\n"), md);
        assertTrue(md.contains("- Decoding: mean of 8 samples at T=1.0"), md);
        assertTrue(md.contains("| NIQE (negated) | 1.0000 | 1.0000 |"), md);
        assertTrue(md.contains("| constant | n/a | n/a | n/a | n/a |"), md);
        assertTrue(!md.contains("## Degradation"), "no degradation section without labels");
        StrictJson.parse(Files.readString(written.json()));
    }

    @Test
    void markdownHasDegradationTables() {
        String md = ReportWriter.markdown(report("kadid", Optional.of(degradation())));
        assertTrue(md.contains("| blur | 1 | 100.0% | 100.0% | 100.0% |"), md);
        assertTrue(md.contains("| none | 1 | 0.0% | n/a | n/a |"), md);
        assertTrue(md.contains("| none | 0 | 0 | 0 | 0 | 0 | 1 |"), md);
    }

    @Test
    void jsonEscapesControlCharacters() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\\u2028\"", JsonText.quote("a\"b\\c\n\u0001\u2028"));
        assertEquals("null", JsonText.number(Double.NaN));
        assertEquals("null", JsonText.number(Double.POSITIVE_INFINITY));
        assertEquals("1.0E-7", JsonText.number(1e-7));
        StrictJson.parse("{\"x\": " + JsonText.number(1e-7) + "}");
    }

    @Test
    void decodingIsDescribed() {
        assertEquals("greedy", ScoreDecoding.greedy().describe());
        assertEquals("one sample at T=0.7", ScoreDecoding.meanOfSamples(1, 0.7).describe());
        assertThrows(IllegalArgumentException.class, () -> new ScoreDecoding(4, 0.0));
    }
}
