package visq.gpu.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import visq.gpu.image.SharedData;

class IqaDatasetReaderTest {

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
        Path clive = SharedData.file("clive");
        List<IqaSample> samples = IqaDatasetReader.read(clive, "mos.csv", "clive");
        assertEquals(820, samples.size());
        double min = samples.stream().mapToDouble(IqaSample::normalisedMos).min().orElseThrow();
        double max = samples.stream().mapToDouble(IqaSample::normalisedMos).max().orElseThrow();
        assertEquals(1.0, min);
        assertEquals(5.0, max);

        IqaSample first = samples.get(0);
        assertEquals("clive/100.png", first.id());
        assertEquals("clive", first.dataset());
        assertEquals(32.56107532210109, first.mos());
        assertTrue(first.label().isEmpty());
        assertTrue(Files.isRegularFile(first.image()), first.image().toString());
        assertEquals("clive/t7.png", samples.get(819).id());
        assertEquals(820, samples.stream().map(IqaSample::id).distinct().count());
    }

    @Test
    void normalisesOntoOneToFive() throws IOException {
        write("image,mos\na.png,10\nb.png,30\nc.png,20\n");
        List<IqaSample> samples = IqaDatasetReader.read(folder, "t.csv", "toy");
        assertEquals(List.of(1.0, 5.0, 3.0), samples.stream().map(IqaSample::normalisedMos).toList());
        assertEquals(folder.resolve("images").resolve("c.png").toAbsolutePath().normalize(), samples.get(2).image());
    }

    @Test
    void acceptsBomCrlfQuotesExtraColumnsAndBlankLines() throws IOException {
        write("\uFEFFmos,Image,comment\r\n2.5,\"a.png\",\"says \"\"hi\"\", twice\"\r\n\r\n4,b.png,x\r\n");
        List<IqaSample> samples = IqaDatasetReader.read(folder, "t.csv", "toy");
        assertEquals(2, samples.size());
        assertEquals("toy/a.png", samples.get(0).id());
        assertEquals(4.0, samples.get(1).mos());
    }

    @Test
    void mapsAConstantDatasetToTheMiddle() throws IOException {
        write("image,mos\na.png,7\n");
        assertEquals(3.0, IqaDatasetReader.read(folder, "t.csv", "toy").get(0).normalisedMos());
    }

    @Test
    void namesFileAndLineOfANonNumericScore() throws IOException {
        write("image,mos,mos_std\na.png,1,0.5\nb.png,abc,0.5\n");
        assertMalformed("t.csv line 3: mos 'abc' is not a number");
    }

    @Test
    void refusesANonNumericStd() throws IOException {
        write("image,mos,mos_std\na.png,1,wide\n");
        assertMalformed("t.csv line 2: mos_std 'wide'");
    }

    @Test
    void refusesANonFiniteScore() throws IOException {
        write("image,mos\na.png,NaN\n");
        assertMalformed("line 2: mos 'NaN' is not finite");
    }

    @Test
    void refusesAMissingColumn() throws IOException {
        write("image,score\na.png,1\n");
        assertMalformed("t.csv line 1: header lacks the column 'mos'");
    }

    @Test
    void refusesARowWithTheWrongFieldCount() throws IOException {
        write("image,mos\na.png,1\nb.png\n");
        assertMalformed("line 3: has 1 fields, the header has 2");
    }

    @Test
    void refusesAMissingImage() throws IOException {
        write("image,mos\na.png,1\nmissing.png,2\n");
        assertMalformed("line 3: image 'missing.png' not found");
    }

    @Test
    void refusesAnImageOutsideTheFolder() throws IOException {
        write("image,mos\n../a.png,1\n");
        assertMalformed("line 2: image '../a.png' lies outside");
    }

    @Test
    void refusesDuplicatesEmptyNamesAndUnclosedQuotes() throws IOException {
        write("image,mos\na.png,1\na.png,2\n");
        assertMalformed("line 3: image 'a.png' is listed twice");
        write("image,mos\n,1\n");
        assertMalformed("line 2: image name is empty");
        write("image,mos\n\"a.png,1\n");
        assertMalformed("line 2: has a quote that is never closed");
    }

    @Test
    void refusesEmptyTables() throws IOException {
        write("");
        assertMalformed("t.csv: is empty");
        write("image,mos\n");
        assertMalformed("t.csv: has a header but no rows");
    }

    private void write(String text) throws IOException {
        Files.writeString(folder.resolve("t.csv"), text, StandardCharsets.UTF_8);
    }

    private void assertMalformed(String expected) {
        MalformedDatasetException e = assertThrows(MalformedDatasetException.class,
                () -> IqaDatasetReader.read(folder, "t.csv", "toy"));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
