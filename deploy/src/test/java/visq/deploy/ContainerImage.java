package visq.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Dockerfile of {@code deploy/docker} promises the manifests, read from its text (nothing here can build an
 * image): the image name its build comment tags ({@code docker build ... -t NAME:TAG .}), the ports it EXPOSEs, its
 * ENV settings and the default of its {@code BASE_IMAGE} argument.
 *
 * @param file the Dockerfile
 * @param name the image name, without tag
 * @param exposed the EXPOSEd ports
 * @param env the ENV settings of the last stage and earlier ones, later ones winning
 * @param baseImage the default of ARG BASE_IMAGE, or "" without one
 */
record ContainerImage(Path file, String name, Set<Integer> exposed, Map<String, String> env, String baseImage) {
    private static final Pattern TAG = Pattern.compile("docker build .*-t ([^\\s:]+):");
    private static final Pattern SETTING = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"([^\"]*)\"|(\\S+))");

    static ContainerImage read(Path file) throws IOException {
        String text = Files.readString(file);
        Matcher tag = TAG.matcher(text);
        String name = tag.find() ? tag.group(1) : "";
        Set<Integer> exposed = new TreeSet<>();
        Map<String, String> env = new LinkedHashMap<>();
        String baseImage = "";
        for (String instruction : instructions(text)) {
            String[] words = instruction.split("\\s+", 2);
            String arguments = words.length > 1 ? words[1] : "";
            switch (words[0].toUpperCase()) {
                case "EXPOSE" -> {
                    for (String port : arguments.split("\\s+")) {
                        exposed.add(Integer.parseInt(port.replace("/tcp", "")));
                    }
                }
                case "ENV" -> env.putAll(settings(arguments));
                case "ARG" -> baseImage = settings(arguments).getOrDefault("BASE_IMAGE", baseImage);
                default -> { }
            }
        }
        return new ContainerImage(file, name, Set.copyOf(exposed), Map.copyOf(env), baseImage);
    }

    /** The instructions, continuation lines joined, comments and blank lines dropped. */
    private static List<String> instructions(String text) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String stripped = line.strip();
            if (stripped.startsWith("#") || stripped.isEmpty()) {
                continue;
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
            } else {
                instructions.add(current.append(stripped).toString());
                current.setLength(0);
            }
        }
        return instructions;
    }

    private static Map<String, String> settings(String arguments) {
        Map<String, String> settings = new LinkedHashMap<>();
        Matcher setting = SETTING.matcher(arguments);
        while (setting.find()) {
            settings.put(setting.group(1), setting.group(3) != null ? setting.group(3) : setting.group(4));
        }
        return settings;
    }
}
