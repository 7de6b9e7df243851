package visq.gpu.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import visq.gpu.image.DegradationClass;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.image.Severity;

/**
 * The compact policy's tokenizer: greedy longest match over a fixed vocabulary.
 *
 * <p>The vocabulary, in id order: the specials {@code <pad> <bos> <eos> <image>} (ids 0..3, never produced by
 * {@link #encode}, decoded as nothing); the answer-format tags and JSON punctuation; the answer words; every word of
 * {@link PromptCatalogue#allTexts()} and of a list of common rationale words, each bare, with a leading space and
 * capitalised; and finally every ASCII character (0..127) as a single-character fallback. So
 * {@code decode(encode(s)).equals(s)} for every ASCII string {@code s}; each non-ASCII code point is encoded as
 * {@code '?'}. The vocabulary is a pure function of this class and the prompt catalogue, so every node builds the
 * same one.
 */
public final class CompactTokenizer implements TextTokenizer {

    public static final String PAD = "<pad>";
    public static final String BOS = "<bos>";
    public static final String EOS = "<eos>";
    public static final String IMAGE = "<image>";

    private static final List<String> STRUCTURE = List.of(
            "<think>", "</think>", "<answer>", "</answer>",
            "<think>\n", "\n</think>\n", "<answer>\n", "\n</answer>",
            "\n", "{\"", "\": ", "\"}", "\", \"", ": ", ", ", ". ", "\"", "{", "}", ":", ",", "[", "]",
            "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ".");

    private static final List<String> ANSWER_WORDS = List.of(
            "rating", "distortion_class", "severity", "null", "Image A", "Image B", "Similar");

    private static final List<String> RATIONALE_WORDS = List.of(
            "the", "image", "picture", "photo", "quality", "is", "are", "was", "appears", "appear", "seems", "looks",
            "shows", "has", "have", "with", "without", "and", "or", "of", "a", "an", "in", "on", "at", "to", "by",
            "some", "visible", "details", "detail", "sharp", "sharpness", "clear", "clarity", "noisy", "grain",
            "grainy", "blurry", "blurred", "dark", "darker", "bright", "brightness", "exposure", "underexposed",
            "overexposed", "color", "colors", "contrast", "texture", "textures", "edges", "edge", "artifacts",
            "artifact", "block", "blocky", "blocking", "JPEG", "low", "high", "good", "poor", "fair", "excellent",
            "very", "slightly", "moderately", "heavily", "strong", "weak", "overall", "therefore", "so", "but",
            "however", "because", "which", "this", "that", "it", "its", "there", "no", "not", "little", "much",
            "more", "less", "most", "fine", "smooth", "soft", "focus", "out", "loss", "lost", "reduced", "degraded",
            "degradation", "distortions", "present", "absent", "level", "score", "rated", "suggests", "indicates",
            "noticeable", "subtle", "severe", "mild", "quite", "rather", "fairly", "better", "worse", "than", "both",
            "similar", "same", "first", "second", "left", "right", "view", "views", "region", "regions",
            "background", "foreground", "object", "objects", "scene", "lighting", "light", "shadow", "shadows",
            "saturation", "pixel", "pixels", "resolution", "ringing", "banding", "washed", "muted", "vivid",
            "natural", "cannot", "can", "be", "seen", "while", "although", "mostly", "generally", "somewhat",
            "almost", "completely", "whole", "area", "areas", "reference", "distorted", "one", "two", "three");

    private static final Pattern WORD = Pattern.compile("[A-Za-z_]+");

    private static final CompactTokenizer INSTANCE = new CompactTokenizer();

    private final List<String> vocabulary;
    private final Map<String, Integer> ids;
    private final int maxTokenLength;

    private CompactTokenizer() {
        Set<String> tokens = new LinkedHashSet<>(List.of(PAD, BOS, EOS, IMAGE));
        tokens.addAll(STRUCTURE);
        for (String word : ANSWER_WORDS) {
            addWordForms(tokens, word, false);
        }
        for (DegradationClass c : DegradationClass.values()) {
            addWordForms(tokens, c.answerName(), true);
        }
        for (Severity s : Severity.values()) {
            addWordForms(tokens, s.answerName(), true);
        }
        for (String text : PromptCatalogue.allTexts()) {
            Matcher m = WORD.matcher(text);
            while (m.find()) {
                addWordForms(tokens, m.group(), true);
            }
        }
        for (String word : RATIONALE_WORDS) {
            addWordForms(tokens, word, true);
        }
        for (char c = 0; c < 128; c++) {
            tokens.add(String.valueOf(c));
        }
        vocabulary = Collections.unmodifiableList(new ArrayList<>(tokens));
        Map<String, Integer> index = new HashMap<>();
        int longest = 1;
        for (int id = 0; id < vocabulary.size(); id++) {
            String token = vocabulary.get(id);
            if (id >= 4) { // specials are never matched in text
                index.put(token, id);
                longest = Math.max(longest, token.length());
            }
        }
        ids = index;
        maxTokenLength = longest;
    }

    private static void addWordForms(Set<String> tokens, String word, boolean capitalised) {
        tokens.add(word);
        tokens.add(" " + word);
        if (capitalised && Character.isLowerCase(word.charAt(0))) {
            String upper = word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1);
            tokens.add(upper);
            tokens.add(" " + upper);
        }
    }

    /** The shared instance (the vocabulary is fixed). */
    public static CompactTokenizer instance() {
        return INSTANCE;
    }

    @Override
    public int[] encode(String text) {
        String ascii = toAscii(text);
        int[] out = new int[ascii.length()];
        int count = 0;
        int pos = 0;
        while (pos < ascii.length()) {
            int length = Math.min(maxTokenLength, ascii.length() - pos);
            Integer id = null;
            for (; length > 0; length--) {
                id = ids.get(ascii.substring(pos, pos + length));
                if (id != null) {
                    break;
                }
            }
            // every ASCII char is a token, so length >= 1 here
            out[count++] = id;
            pos += length;
        }
        return java.util.Arrays.copyOf(out, count);
    }

    @Override
    public String decode(int[] tokenIds) {
        StringBuilder out = new StringBuilder();
        for (int id : tokenIds) {
            if (id < 0 || id >= vocabulary.size()) {
                throw new IllegalArgumentException("token id " + id + " outside vocabulary of " + vocabulary.size());
            }
            if (id >= 4) {
                out.append(vocabulary.get(id));
            }
        }
        return out.toString();
    }

    /** The text of one token (specials as their names). */
    public String token(int id) {
        return vocabulary.get(id);
    }

    /** The id of an exact vocabulary entry, or -1. */
    public int idOf(String token) {
        int index = vocabulary.indexOf(token);
        return index;
    }

    @Override
    public int padId() {
        return 0;
    }

    @Override
    public int bosId() {
        return 1;
    }

    @Override
    public int eosId() {
        return 2;
    }

    /** The image placeholder id (the compact model embeds patches directly and never feeds it). */
    public int imageId() {
        return 3;
    }

    @Override
    public int vocabularySize() {
        return vocabulary.size();
    }

    private static String toAscii(String text) {
        boolean ascii = true;
        for (int i = 0; i < text.length() && ascii; i++) {
            ascii = text.charAt(i) < 128;
        }
        if (ascii) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> out.append(cp < 128 ? (char) cp : '?'));
        return out.toString();
    }
}
