package dev.sambasidecars.common.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The options one module ({@code sidecar <module>:…}) declares, in declaration order. */
public final class ModuleOptions {
    private final String module;
    private final Map<String, Option<?>> options = new LinkedHashMap<>();

    private ModuleOptions(String module, Collection<? extends Option<?>> list) {
        this.module = module;
        for (Option<?> o : list) {
            if (options.putIfAbsent(o.key(), o) != null) {
                throw new IllegalArgumentException("option '" + o.name() + "' declared twice for " + module);
            }
        }
    }

    /** Declares {@code options} for {@code module}. */
    public static ModuleOptions of(String module, List<? extends Option<?>> options) {
        return new ModuleOptions(module, options);
    }

    public String module() {
        return module;
    }

    public Collection<Option<?>> options() {
        return Collections.unmodifiableCollection(options.values());
    }

    Optional<Option<?>> find(String key) {
        return Optional.ofNullable(options.get(Names.normalize(key)));
    }

    /** This module's options followed by {@code more}'s. */
    ModuleOptions merge(ModuleOptions more) {
        List<Option<?>> all = new ArrayList<>(options.values());
        all.addAll(more.options.values());
        return new ModuleOptions(module, all);
    }
}
