package had.config;

import java.util.List;

/**
 * What {@link ConfigLoader} made of the two files: a complete configuration and no errors, or
 * errors and no configuration, never a mix. Warnings may come with either.
 */
public record LoadResult(ChassisConfig config, List<ConfigError> errors, List<ConfigError> warnings) {
    public LoadResult {
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        if ((config == null) == errors.isEmpty()) {
            throw new IllegalArgumentException("a configuration comes with no errors, errors with no configuration");
        }
    }

    public boolean ok() {
        return config != null;
    }
}
