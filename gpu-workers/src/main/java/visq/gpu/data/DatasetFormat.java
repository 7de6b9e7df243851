package visq.gpu.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How a dataset's labels are written; see {@link DatasetReader} for what each format reads. */
public enum DatasetFormat {
    /** A CSV table: {@code image}, {@code mos} and optionally {@code mos_std} (or {@code std}) columns. */
    CSV("csv"),
    /** Q-Insight's JSON: an array of entries with {@code image} and {@code gt_score} and/or a degradation. */
    Q_INSIGHT("q-insight"),
    /** VisualQuality-R1's JSONL: one entry a line with {@code image} and the MOS as the {@code gpt} turn's value. */
    VISUALQUALITY_R1("visualquality-r1"),
    /** KADID-10K's file names {@code I01_03_02.png} (reference, distortion type, level) plus its DMOS table. */
    KADID("kadid"),
    /** TID2013's file names {@code i01_03_2.bmp} (reference, distortion type, level) plus its MOS list. */
    TID2013("tid2013"),
    /** Degraded crops with exact labels generated from pristine images ({@link DegradationSet}). */
    GENERATED("generated-degradations");

    private final String id;

    DatasetFormat(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<DatasetFormat> fromId(String id) {
        return Arrays.stream(values()).filter(f -> f.id.equals(id.toLowerCase(Locale.ROOT))).findFirst();
    }

    /** Every format's id, for messages. */
    public static String ids() {
        return String.join(", ", Arrays.stream(values()).map(DatasetFormat::id).toList());
    }
}
