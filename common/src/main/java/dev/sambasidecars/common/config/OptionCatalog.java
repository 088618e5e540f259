package dev.sambasidecars.common.config;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/** Every option of every module on the class path: the schema smb.conf is checked against. */
public final class OptionCatalog {
    private final Map<String, ModuleOptions> modules = new LinkedHashMap<>();

    private OptionCatalog(List<ModuleOptions> contributions) {
        for (ModuleOptions m : contributions) {
            modules.merge(Names.normalize(m.module()), m, ModuleOptions::merge);
        }
    }

    /** The built-in options plus those of every {@link OptionsProvider} on the class path. */
    public static OptionCatalog load() {
        List<ModuleOptions> all = new java.util.ArrayList<>(CommonOptions.builtIn());
        for (OptionsProvider p : ServiceLoader.load(OptionsProvider.class)) {
            all.addAll(p.options());
        }
        return new OptionCatalog(all);
    }

    /** A catalog of exactly these declarations (tests, tools). */
    public static OptionCatalog of(List<ModuleOptions> modules) {
        return new OptionCatalog(modules);
    }

    public Optional<ModuleOptions> module(String name) {
        return Optional.ofNullable(modules.get(Names.normalize(name)));
    }

    public Collection<ModuleOptions> modules() {
        return Collections.unmodifiableCollection(modules.values());
    }
}
