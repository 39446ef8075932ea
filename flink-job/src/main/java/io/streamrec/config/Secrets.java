package io.streamrec.config;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Masks secret values wherever streamrec prints or logs configuration. A key is secret when it contains password,
 * secret, jaas, token or credential (case-insensitive): {@code kafka.properties.sasl.jaas.config},
 * {@code kafka.properties.ssl.keystore.password}, ... Flink's own masking ({@code GlobalConfiguration.isSensitive})
 * covers most of these in what Flink logs, but not every name (credential), and streamrec's own output must not depend
 * on what a Flink version happens to list.
 */
public final class Secrets {

    /** What a secret value is replaced with (the same as Flink's). */
    public static final String MASK = "******";

    private static final String[] MARKERS = {"password", "secret", "jaas", "token", "credential"};

    private Secrets() {}

    /** True when the key's value must not be shown. */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String m : MARKERS) {
            if (k.contains(m)) {
                return true;
            }
        }
        return false;
    }

    /** The value as it may be shown: {@link #MASK} for a secret key, else the value itself. */
    public static String shown(String key, String value) {
        return isSecret(key) ? MASK : value;
    }

    /** A copy of the map, sorted by key, with every secret value masked. */
    public static Map<String, String> masked(Map<String, String> conf) {
        Map<String, String> out = new TreeMap<>();
        conf.forEach((k, v) -> out.put(k, shown(k, v)));
        return out;
    }
}
