package dev.sambasidecars.common.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Turns smb.conf plus {@code --set} overrides into a {@link SidecarConfig}, checking every
 * {@code sidecar …:} key against the {@link OptionCatalog}. Only {@code [global]} counts, as the
 * daemons serve the whole node; {@code --set} wins over the file.
 */
public final class ConfigLoader {

    /** The smb.conf Samba reads when not told otherwise. */
    public static final Path DEFAULT_SMB_CONF = Path.of("/etc/samba/smb.conf");

    private static final String PREFIX = "sidecar";

    private final OptionCatalog catalog;

    public ConfigLoader(OptionCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * Loads the configuration.
     *
     * @param smbConf the smb.conf to read; {@code null} for Samba's default
     * @param sets {@code --set} arguments, each {@code 'sidecar <module>:<option>=<value>'}
     */
    public SidecarConfig load(Path smbConf, List<String> sets) throws ConfigException {
        boolean explicit = smbConf != null;
        Path file = explicit ? smbConf : DEFAULT_SMB_CONF;
        List<String> warnings = new ArrayList<>();
        Map<String, Map<String, SidecarConfig.Setting>> settings = SidecarConfig.defaultSettings(catalog);

        Path read = null;
        if (explicit || Files.exists(file)) {
            SmbConfParser.Result parsed = SmbConfParser.parse(file);
            warnings.addAll(parsed.warnings());
            read = file;
            for (SmbConfParser.Entry e : parsed.entries()) {
                if (!isSidecarKey(e.normalizedName())) {
                    continue;
                }
                if (!e.inGlobal()) {
                    warnings.add(e.origin() + ": '" + e.name() + "' ignored: sidecar options belong in [global], not ["
                            + e.section() + "]");
                    continue;
                }
                apply(settings, e.name(), e.value(), e.origin());
            }
        } else {
            warnings.add(file + " not found: using defaults");
        }
        for (String set : sets) {
            int eq = set.indexOf('=');
            if (eq < 0 || !isSidecarKey(Names.normalize(set.substring(0, eq)))) {
                throw new ConfigException(ConfigOrigin.COMMAND_LINE, set,
                        "--set wants 'sidecar <module>:<option>=<value>'");
            }
            apply(settings, set.substring(0, eq).trim(), set.substring(eq + 1).trim(), ConfigOrigin.COMMAND_LINE);
        }
        return new SidecarConfig(read, settings, warnings);
    }

    private static boolean isSidecarKey(String normalized) {
        return normalized.startsWith(PREFIX) && normalized.indexOf(':') > 0;
    }

    private void apply(Map<String, Map<String, SidecarConfig.Setting>> settings, String key, String value,
                       ConfigOrigin origin) throws ConfigException {
        String norm = Names.normalize(key);
        int colon = norm.indexOf(':');
        String moduleName = norm.substring(PREFIX.length(), colon);
        String optionName = norm.substring(colon + 1);
        ModuleOptions module = catalog.module(moduleName).orElse(null);
        if (module == null) {
            List<String> known = catalog.modules().stream().map(ModuleOptions::module).toList();
            throw new ConfigException(origin, key, "unknown sidecar module '" + moduleName + "'"
                    + suggestion(moduleName, known) + "; known modules: " + String.join(", ", known));
        }
        Option<?> option = module.find(optionName).orElse(null);
        if (option == null) {
            List<String> names = module.options().stream().map(Option::name).toList();
            throw new ConfigException(origin, key, "unknown option for sidecar module '" + module.module() + "'"
                    + suggestion(optionName, names) + "; allowed: " + String.join(", ", names));
        }
        Object parsed;
        try {
            parsed = option.type().parse(value);
        } catch (IllegalArgumentException bad) {
            throw new ConfigException(origin, key, "bad value '" + value + "': " + bad.getMessage()
                    + "; allowed: " + option.type().allowed());
        }
        settings.get(Names.normalize(module.module()))
                .put(option.key(), new SidecarConfig.Setting(module.module(), option, parsed, origin));
    }

    /** " (did you mean 'x'?)" when a known name is within two edits of what was written. */
    static String suggestion(String written, List<String> known) {
        String w = Names.normalize(written);
        return known.stream()
                .map(k -> Map.entry(k, distance(w, Names.normalize(k))))
                .filter(e -> e.getValue() <= 2)
                .min(Comparator.comparingInt(Map.Entry::getValue))
                .map(e -> " (did you mean '" + e.getKey() + "'?)")
                .orElse("");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

}
