package io.streamrec.lifecycle;

import io.streamrec.cli.Args;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.PluginManager;
import org.apache.flink.core.plugin.PluginUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sets up Flink's file systems for the {@code model} commands the way a Flink process would, so a store URI such as
 * {@code s3://bucket/models} means the same here as in the job. Sources, later ones winning: {@code FLINK_CONF_DIR}'s
 * config.yaml when that variable is set, then each {@code --conf KEY=VALUE} (or {@code -D KEY=VALUE}). File system
 * plugins come from {@code FLINK_PLUGINS_DIR} (a Flink distribution's {@code plugins/} layout, e.g.
 * {@code plugins/s3-fs-hadoop/flink-s3-fs-hadoop-2.2.0.jar}) when that is set; a file system jar on the classpath
 * works too.
 */
final class StoreFileSystems {
    private StoreFileSystems() {
    }

    /** The command line without its {@code --conf}/{@code -D} settings, and those settings in order. */
    record Split(String[] rest, Map<String, String> conf) {
    }

    /** Takes {@code --conf K=V}, {@code --conf=K=V}, {@code -D K=V} and {@code -DK=V} out of {@code argv}. */
    static Split split(String[] argv) {
        List<String> rest = new ArrayList<>();
        Map<String, String> conf = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            String kv = null;
            String option = a;
            if (a.equals("--conf") || a.equals("-D")) {
                if (i + 1 >= argv.length) {
                    throw new Args.UsageException("option " + a + " needs KEY=VALUE");
                }
                kv = argv[++i];
            } else if (a.startsWith("--conf=")) {
                kv = a.substring("--conf=".length());
                option = "--conf";
            } else if (a.startsWith("-D") && a.length() > 2) {
                kv = a.substring(2);
                option = "-D";
            }
            if (kv == null) {
                rest.add(a);
                continue;
            }
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new Args.UsageException("option " + option + " needs KEY=VALUE, got '" + kv + "'");
            }
            conf.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return new Split(rest.toArray(new String[0]), conf);
    }

    /** The configuration: FLINK_CONF_DIR's config.yaml (if any) with {@code overrides} on top. */
    static Configuration configuration(Map<String, String> overrides, Map<String, String> env) {
        Configuration conf = new Configuration();
        String dir = env.get("FLINK_CONF_DIR");
        if (dir != null && !dir.isBlank() && (Files.exists(Path.of(dir, "config.yaml"))
                || Files.exists(Path.of(dir, "flink-conf.yaml")))) {
            conf = GlobalConfiguration.loadConfiguration(dir);
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            conf.setString(e.getKey(), e.getValue());
        }
        return conf;
    }

    /** Initializes Flink's file systems from {@code conf}, with FLINK_PLUGINS_DIR's plugins if it is set. */
    static void initialize(Configuration conf, Map<String, String> env) {
        PluginManager plugins = null;
        String pluginsDir = env.get("FLINK_PLUGINS_DIR");
        if (pluginsDir != null && !pluginsDir.isBlank()) {
            plugins = PluginUtils.createPluginManagerFromRootFolder(conf);
        }
        FileSystem.initialize(conf, plugins);
    }
}
