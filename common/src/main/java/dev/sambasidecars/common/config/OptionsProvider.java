package dev.sambasidecars.common.config;

import java.util.List;

/**
 * Service-provider interface through which a module contributes its options; listed in
 * {@code META-INF/services/dev.sambasidecars.common.config.OptionsProvider}. Contributions for
 * the same module name are merged.
 */
public interface OptionsProvider {
    List<ModuleOptions> options();
}
