package visq.gpu.eval;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import visq.gpu.image.DegradationClass;

/**
 * How often a response's reasoning names the degradation class its answer gives: the fraction, among responses
 * whose answer names a class, whose {@code <think>} text mentions that class.
 *
 * <p>"Mentions" is a case-insensitive match of a word starting with the class's stem, so inflections count:
 * {@code nois} (noise, noisy), {@code compress} (compression, compressed), {@code blur} (blurry, blurred),
 * {@code dark} (darken, darkened, dark). Responses answering "none" or with no readable class are not counted.
 */
public final class RationaleAgreement {

    private static final Pattern THINK = Pattern.compile("<think>(.*?)</think>", Pattern.DOTALL);

    private RationaleAgreement() {}

    /** One response's reasoning and the class its answer gave (empty: "none" or unreadable). */
    public record Rationale(String thinkText, Optional<DegradationClass> answeredClass) {}

    /** The text of the first {@code <think>} block of {@code response}, empty when there is none. */
    public static Optional<String> thinkText(String response) {
        Matcher m = THINK.matcher(response);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The rationale of a response given the class its answer was parsed to (no think block = empty text). */
    public static Rationale of(String response, Optional<DegradationClass> answeredClass) {
        return new Rationale(thinkText(response).orElse(""), answeredClass);
    }

    /** Whether {@code text} names {@code degradationClass}. */
    public static boolean names(String text, DegradationClass degradationClass) {
        Pattern word = Pattern.compile("\\b" + stem(degradationClass), Pattern.CASE_INSENSITIVE);
        return word.matcher(text.toLowerCase(Locale.ROOT)).find();
    }

    /** The agreement rate; empty when no response answered with a class. */
    public static OptionalDouble rate(List<Rationale> rationales) {
        int answered = 0;
        int agreeing = 0;
        for (Rationale r : rationales) {
            if (r.answeredClass().isPresent()) {
                answered++;
                agreeing += names(r.thinkText(), r.answeredClass().get()) ? 1 : 0;
            }
        }
        return answered == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) agreeing / answered);
    }

    private static String stem(DegradationClass degradationClass) {
        switch (degradationClass) {
            case NOISE:
                return "nois";
            case COMPRESSION:
                return "compress";
            case BLUR:
                return "blur";
            case DARKEN:
                return "dark";
            default:
                throw new IllegalArgumentException("no stem for " + degradationClass);
        }
    }
}
