package io.streamrec.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;

/**
 * Renders {@link StreamrecOptions} as the Markdown table in the README, so the docs are generated from the code.
 * {@code ConfigDocsTest} fails when the README's table differs from this output.
 */
public final class ConfigDocs {

    private ConfigDocs() {}

    public static String markdownTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("| option | default | description |\n");
        sb.append("|---|---|---|\n");
        for (ConfigOption<?> o : StreamrecOptions.all()) {
            sb.append("| `").append(o.key()).append("` | ")
                    .append(o.hasDefaultValue() ? "`" + render(o.defaultValue()) + "`" : "(none)").append(" | ")
                    .append(description(o).replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    /** Every option for a terminal: its key and default, then its description indented. */
    public static String plainText() {
        StringBuilder sb = new StringBuilder();
        for (ConfigOption<?> o : StreamrecOptions.all()) {
            sb.append("  --").append(o.key())
                    .append(o.hasDefaultValue() ? " (default: " + render(o.defaultValue()) + ")" : " (no default)")
                    .append('\n');
            sb.append("      ").append(description(o)).append('\n');
        }
        return sb.toString();
    }

    /** The option's description as plain text. */
    public static String description(ConfigOption<?> option) {
        return new HtmlFormatter().format(option.description())
                .replace("&#39;", "'").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    private static String render(Object value) {
        if (value instanceof java.time.Duration) {
            java.time.Duration d = (java.time.Duration) value;
            if (d.toDays() > 0 && d.toHours() % 24 == 0) {
                return d.toDays() + " d";
            }
            if (d.toMinutes() > 0 && d.getSeconds() % 60 == 0) {
                return d.toMinutes() + " min";
            }
            if (d.toMillis() % 1000 != 0) {
                return d.toMillis() + " ms";
            }
            return d.getSeconds() + " s";
        }
        return String.valueOf(value);
    }

    public static void main(String[] args) {
        System.out.print(markdownTable());
    }
}
