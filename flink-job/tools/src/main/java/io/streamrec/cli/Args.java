package io.streamrec.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Minimal {@code --name value} / {@code --flag} parser. Unknown options, missing values and bad numbers raise
 * {@link UsageException} naming the option, so each subcommand can print its usage and exit 2.
 */
public final class Args {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    /** Thrown for bad command-line input; the message names the bad option. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    private Args() {}

    /**
     * How a command names its options beyond the plain sets: deprecated aliases (old name to canonical name; the old
     * name still works and prints one deprecation line to stderr) and prefixes under which any option is accepted
     * (e.g. {@code kafka.properties.}). One table per command, so every command renames the same way.
     */
    public record Names(String command, Map<String, String> aliases, Set<String> prefixes) {
        public static Names of(String command, Map<String, String> aliases) {
            return new Names(command, aliases, Set.of());
        }

        public Names withPrefixes(String... p) {
            return new Names(command, aliases, Set.of(p));
        }
    }

    /**
     * @param withValue options that take a value (without the leading dashes)
     * @param flags options that take none
     */
    public static Args parse(String[] argv, Set<String> withValue, Set<String> flags) {
        return parse(argv, withValue, flags, Names.of("", Map.of()), System.err);
    }

    /**
     * As {@link #parse(String[], Set, Set)}, also accepting {@code names}' deprecated aliases (stored under the
     * canonical name; one line per alias used goes to {@code warn}) and any option under one of its prefixes.
     */
    public static Args parse(String[] argv, Set<String> withValue, Set<String> flags, Names names,
            java.io.PrintStream warn) {
        Args a = new Args();
        Set<String> warned = new java.util.HashSet<>();
        for (int i = 0; i < argv.length; i++) {
            String s = argv[i];
            if (s.startsWith("--")) {
                String name = s.substring(2);
                String inline = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    inline = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                String canonical = names.aliases().get(name);
                if (canonical != null) {
                    if (warned.add(name)) {
                        warn.println("streamrec " + names.command() + ": --" + name + " is deprecated, use --"
                                + canonical);
                    }
                    name = canonical;
                }
                boolean prefixed = false;
                for (String p : names.prefixes()) {
                    prefixed |= name.startsWith(p) && name.length() > p.length();
                }
                if (flags.contains(name)) {
                    if (inline != null) {
                        throw new UsageException("option --" + name + " takes no value");
                    }
                    a.values.put(name, "true");
                } else if (withValue.contains(name) || prefixed) {
                    String v = inline;
                    if (v == null) {
                        if (i + 1 >= argv.length) {
                            throw new UsageException("option --" + name + " needs a value");
                        }
                        v = argv[++i];
                    }
                    a.values.put(name, v);
                } else {
                    throw new UsageException("unknown option --" + name);
                }
            } else {
                a.positional.add(s);
            }
        }
        return a;
    }

    /** As {@link #parse}, for commands that take options only: a positional argument is a usage error. */
    public static Args parseOptions(String[] argv, Set<String> withValue, Set<String> flags) {
        return parseOptions(argv, withValue, flags, Names.of("", Map.of()));
    }

    /** As {@link #parseOptions(String[], Set, Set)} with {@code names}' aliases and prefixes; warnings to stderr. */
    public static Args parseOptions(String[] argv, Set<String> withValue, Set<String> flags, Names names) {
        Args a = parse(argv, withValue, flags, names, System.err);
        if (!a.positional.isEmpty()) {
            throw new UsageException("unexpected argument '" + a.positional.get(0) + "'");
        }
        return a;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public boolean flag(String name) {
        return values.containsKey(name);
    }

    public String get(String name, String def) {
        return values.getOrDefault(name, def);
    }

    /** The options given under {@code prefix}, keyed by the rest of their name, in command-line order. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> m = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                m.put(k.substring(prefix.length()), v);
            }
        });
        return m;
    }

    /**
     * The {@code k=v;k=v} pairs of option {@code name}, in order (empty when the option is absent). Keys and values
     * are trimmed; a value may hold '='.
     */
    public Map<String, String> getPairs(String name) {
        Map<String, String> m = new LinkedHashMap<>();
        if (!has(name)) {
            return m;
        }
        for (String kv : values.get(name).split(";")) {
            if (kv.isBlank()) {
                continue;
            }
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("option --" + name + " needs key=value pairs, got '" + kv + "'");
            }
            m.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return m;
    }

    public List<String> positional() {
        return positional;
    }

    public long getLong(String name, long def, long min) {
        if (!has(name)) {
            return def;
        }
        long v;
        try {
            v = Long.parseLong(values.get(name).replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " needs an integer, got '" + values.get(name) + "'");
        }
        if (v < min) {
            throw new UsageException("option --" + name + " must be >= " + min + ", got " + v);
        }
        return v;
    }

    public int getInt(String name, int def, int min) {
        long v = getLong(name, def, min);
        if (v > Integer.MAX_VALUE) {
            throw new UsageException("option --" + name + " is too large: " + v);
        }
        return (int) v;
    }

    public double getDouble(String name, double def, double min, double maxExclusive) {
        if (!has(name)) {
            return def;
        }
        double v;
        try {
            v = Double.parseDouble(values.get(name));
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " needs a number, got '" + values.get(name) + "'");
        }
        if (!(v >= min && v < maxExclusive)) {
            throw new UsageException("option --" + name + " must be in [" + min + ", " + maxExclusive + "), got " + v);
        }
        return v;
    }

    /** A duration like {@code 90}, {@code 90s}, {@code 5m}, {@code 2h}, {@code 500ms}; plain numbers are seconds. */
    public Duration getDuration(String name, Duration def) {
        if (!has(name)) {
            return def;
        }
        try {
            return parseDuration(values.get(name));
        } catch (IllegalArgumentException e) {
            throw new UsageException("option --" + name + " needs a duration like 30s, 5m or 1h, got '"
                    + values.get(name) + "'");
        }
    }

    public static Duration parseDuration(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        long mult;
        String num;
        if (t.endsWith("ms")) {
            mult = 1;
            num = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            mult = 1000;
            num = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            mult = 60_000;
            num = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            mult = 3_600_000;
            num = t.substring(0, t.length() - 1);
        } else {
            mult = 1000;
            num = t;
        }
        double v = Double.parseDouble(num);
        if (v < 0 || Double.isNaN(v)) {
            throw new IllegalArgumentException("negative duration");
        }
        return Duration.ofMillis(Math.round(v * mult));
    }
}
