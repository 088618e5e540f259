package dev.sambasidecars.common.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective {@code sidecar …:} options after smb.conf and {@code --set}: every declared
 * option of every module has a value and knows where it came from.
 */
public final class SidecarConfig {

    /** One option's effective value. */
    public record Setting(String module, Option<?> option, Object value, ConfigOrigin origin) {
        /** The value as it would be written in smb.conf. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        public String text() {
            return ((OptionType) option.type()).format(value);
        }

        /** True when neither smb.conf nor the command line set it. */
        public boolean isDefault() {
            return origin == ConfigOrigin.DEFAULT;
        }

        /** The key as an operator writes it: {@code sidecar witness:port}. */
        public String key() {
            return "sidecar " + module + ":" + option.name();
        }
    }

    private final Path smbConf;
    private final Map<String, Map<String, Setting>> modules;
    private final List<String> warnings;

    SidecarConfig(Path smbConf, Map<String, Map<String, Setting>> modules, List<String> warnings) {
        this.smbConf = smbConf;
        this.modules = modules;
        this.warnings = List.copyOf(warnings);
    }

    /** Only defaults: for tools and tests that read no smb.conf. */
    public static SidecarConfig defaults(OptionCatalog catalog) {
        return new SidecarConfig(null, defaultSettings(catalog), List.of());
    }

    static Map<String, Map<String, Setting>> defaultSettings(OptionCatalog catalog) {
        Map<String, Map<String, Setting>> out = new LinkedHashMap<>();
        for (ModuleOptions m : catalog.modules()) {
            Map<String, Setting> settings = new LinkedHashMap<>();
            for (Option<?> o : m.options()) {
                settings.put(o.key(), new Setting(m.module(), o, o.defaultValue(), ConfigOrigin.DEFAULT));
            }
            out.put(Names.normalize(m.module()), settings);
        }
        return out;
    }

    /** The value of {@code option} for {@code module}; the module's own default applies. */
    public <T> T get(String module, Option<T> option) {
        Setting s = setting(module, option.key());
        @SuppressWarnings("unchecked")
        T value = (T) s.value();
        return value;
    }

    /** Where the value of {@code option} for {@code module} came from. */
    public ConfigOrigin origin(String module, Option<?> option) {
        return setting(module, option.key()).origin();
    }

    private Setting setting(String module, String key) {
        Map<String, Setting> m = modules.get(Names.normalize(module));
        if (m == null || !m.containsKey(key)) {
            throw new IllegalArgumentException("no option '" + key + "' declared for sidecar module " + module);
        }
        return m.get(key);
    }

    /** All settings of {@code module} in declaration order. */
    public List<Setting> settings(String module) {
        Map<String, Setting> m = modules.get(Names.normalize(module));
        return m == null ? List.of() : List.copyOf(m.values());
    }

    /** All settings of all modules. */
    public List<Setting> all() {
        List<Setting> out = new ArrayList<>();
        modules.values().forEach(m -> out.addAll(m.values()));
        return out;
    }

    /** The smb.conf read, or null when none was. */
    public Path smbConf() {
        return smbConf;
    }

    /** Things noticed while reading that did not stop the load. */
    public List<String> warnings() {
        return warnings;
    }
}
