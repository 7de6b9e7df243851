package visq.deploy.cli;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.List;
import visq.actors.cluster.ModelSettings;
import visq.actors.learner.LearnerSettings;
import visq.deploy.node.NodeLauncher;

/** {@code visq export-adapter}: a Qwen run's newest LoRA adapters as a PEFT adapter directory. */
public final class ExportAdapterCommand implements CliCommand {
    private static final CommandSpec SPEC = CommandSpec.of("export-adapter",
            "a Qwen run's newest LoRA adapters as a PEFT adapter directory (adapter_config.json + "
                    + "adapter_model.safetensors) that peft loads onto the same base", true,
            List.of(OptionSpec.text("--config", "local.conf"), OptionSpec.text("--checkpoint", "DIR"),
                    OptionSpec.text("--out", "DIR")),
            "--checkpoint DIR  the training checkpoint directory (default visq.learner.checkpoint-dir)",
            "--out DIR  where the adapter is written (required)",
            "example: visq export-adapter --out adapter/ --set visq.model.kind=qwen2.5-vl "
                    + "--set visq.model.checkpoint=/models/Qwen2.5-VL-7B-Instruct");

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(CommandLine line, Terminal terminal) throws Exception {
        if (!line.has("--out")) {
            throw new UsageException("--out DIR is required");
        }
        Config config = NodeLauncher.configure(line.value("--config", "local.conf"), line.settings(), terminal.env());
        Path checkpoint = line.pathValue("--checkpoint",
                () -> LearnerSettings.fromConfig(config).checkpointDirectory());
        Path out = Path.of(line.value("--out", ""));
        long version = AdapterExport.export(ModelSettings.fromConfig(config), checkpoint, out);
        terminal.out().println("adapter of weight version " + version + " from " + checkpoint + " written to " + out);
        return 0;
    }
}
