package dev.strata.provisioning.config;

/** An inclusive range of TCP ports. */
public record PortRange(int first, int last) {

    public PortRange {
        if (first < 1024 || last > 65535 || first > last) {
            throw new IllegalArgumentException("STRATA_PORT_RANGE must be first-last within 1024-65535, got " + first + "-" + last);
        }
    }

    public static PortRange parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("-");
        try {
            if (parts.length == 2) {
                return new PortRange(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("STRATA_PORT_RANGE must look like 15432-16431, got " + text, e);
        }
        throw new IllegalArgumentException("STRATA_PORT_RANGE must look like 15432-16431, got " + text);
    }
}
