package visq.deploy.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    @Test
    void showsRateAndEta() {
        // 30 of 120 images in 15 s: 2 images/s, 90 left → 45 s
        assertEquals("[######..................] 30/120 clive | 2.0 images/s | ETA 0m45s",
                ProgressLine.render("clive", 30, 120, 15_000_000_000L));
        assertEquals("[########################] 4/4 own | 0.5 images/s | done in 0m08s",
                ProgressLine.render("own", 4, 4, 8_000_000_000L));
        assertEquals("[........................] 0/9 own", ProgressLine.render("own", 0, 9, 0));
    }

    @Test
    void writesALineAtEveryTenthWhenNotOnAConsole() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        ProgressLine progress = new ProgressLine(new PrintStream(out, true, StandardCharsets.UTF_8), false, clock::get);
        progress.start("set", 20);
        for (int i = 0; i < 20; i++) {
            clock.addAndGet(1_000_000_000L);
            progress.advance();
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(10, lines.length, out.toString());
        assertEquals("[##......................] 2/20 set | 1.0 images/s | ETA 0m18s", lines[0]);
        assertEquals("[########################] 20/20 set | 1.0 images/s | done in 0m20s", lines[9]);
    }
}
