package dev.strata.provisioning.storage.embedded;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.w3c.dom.Element;

/**
 * S3 Object Lock: a bucket's configuration (enabled at creation or on a bucket with versioning enabled; a default
 * retention), and per object version a retention (GOVERNANCE: removable with {@code
 * x-amz-bypass-governance-retention}; COMPLIANCE: by nobody until it ends) and a legal hold. A locked version
 * cannot be deleted; overwriting and deleting without a version id still work (they add a version or a delete
 * marker). Version locks live in extended attributes of the version's file.
 */
final class ObjectLock {

    enum Mode { GOVERNANCE, COMPLIANCE }

    record Retention(Mode mode, Instant until) {
    }

    /** The bucket's default retention: a mode and a period (days or years), or none. */
    record Config(Mode defaultMode, Integer days, Integer years) {

        Optional<Retention> defaultFrom(Instant now) {
            if (defaultMode == null) {
                return Optional.empty();
            }
            Instant until = days != null ? now.plus(days, ChronoUnit.DAYS)
                    : now.atZone(ZoneOffset.UTC).plusYears(years).toInstant();
            return Optional.of(new Retention(defaultMode, until));
        }
    }

    private static final String RETENTION = "user.strata.retention";
    private static final String LEGAL_HOLD = "user.strata.legal-hold";

    private ObjectLock() {
    }

    static Config parseConfig(byte[] xml) {
        Element root = S3Xml.parse(xml, "ObjectLockConfiguration");
        if (!"Enabled".equals(S3Xml.text(root, "ObjectLockEnabled"))) {
            throw S3Xml.malformed();
        }
        Element rule = S3Xml.child(root, "Rule");
        if (rule == null) {
            return new Config(null, null, null);
        }
        Element retention = S3Xml.child(rule, "DefaultRetention");
        if (retention == null) {
            throw S3Xml.malformed();
        }
        Mode mode = mode(S3Xml.text(retention, "Mode"));
        String days = S3Xml.text(retention, "Days");
        String years = S3Xml.text(retention, "Years");
        if ((days == null) == (years == null)) {
            throw S3Xml.malformed();
        }
        return new Config(mode, days == null ? null : period(days), years == null ? null : period(years));
    }

    private static int period(String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new S3Failure(400, "InvalidRetentionPeriod", "Default retention period must be a positive integer value");
    }

    private static Mode mode(String value) {
        if ("GOVERNANCE".equals(value)) {
            return Mode.GOVERNANCE;
        }
        if ("COMPLIANCE".equals(value)) {
            return Mode.COMPLIANCE;
        }
        throw S3Xml.malformed();
    }

    static Retention parseRetention(byte[] xml) {
        Element root = S3Xml.parse(xml, "Retention");
        return new Retention(mode(S3Xml.text(root, "Mode")), instant(S3Xml.text(root, "RetainUntilDate")));
    }

    /** From the {@code x-amz-object-lock-mode} and {@code -retain-until-date} headers of a write, if given. */
    static Optional<Retention> fromHeaders(String mode, String until) {
        if (mode == null && until == null) {
            return Optional.empty();
        }
        if (mode == null || until == null) {
            throw new S3Failure(400, "InvalidArgument", "x-amz-object-lock-mode and x-amz-object-lock-retain-until-date must be given together");
        }
        Retention r;
        try {
            r = new Retention(Mode.valueOf(mode), instant(until));
        } catch (IllegalArgumentException e) {
            throw new S3Failure(400, "InvalidArgument", "Unknown wormMode directive: " + mode);
        }
        if (!r.until().isAfter(Instant.now())) {
            throw new S3Failure(400, "InvalidArgument", "The retain until date must be in the future!");
        }
        return Optional.of(r);
    }

    static boolean parseLegalHold(byte[] xml) {
        String status = S3Xml.text(S3Xml.parse(xml, "LegalHold"), "Status");
        if ("ON".equals(status)) {
            return true;
        }
        if ("OFF".equals(status)) {
            return false;
        }
        throw S3Xml.malformed();
    }

    private static Instant instant(String value) {
        if (value == null) {
            throw S3Xml.malformed();
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException again) {
                throw S3Xml.malformed();
            }
        }
    }

    static String retentionXml(Retention r) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Retention xmlns=\"" + S3Xml.NS + "\"><Mode>" + r.mode() + "</Mode><RetainUntilDate>"
                + r.until().truncatedTo(ChronoUnit.MILLIS) + "</RetainUntilDate></Retention>";
    }

    static String legalHoldXml(boolean on) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LegalHold xmlns=\"" + S3Xml.NS + "\"><Status>" + (on ? "ON" : "OFF") + "</Status></LegalHold>";
    }

    static Optional<Retention> retention(Path file) {
        return attribute(file, RETENTION).map(v -> {
            int bar = v.indexOf('|');
            return new Retention(Mode.valueOf(v.substring(0, bar)), Instant.parse(v.substring(bar + 1)));
        });
    }

    static Optional<Boolean> legalHold(Path file) {
        return attribute(file, LEGAL_HOLD).map("ON"::equals);
    }

    /**
     * Sets the version's retention, as S3 allows: a COMPLIANCE retention can only be extended; a GOVERNANCE one can
     * be shortened or changed only with {@code bypass}.
     */
    static void setRetention(Path file, Retention next, boolean bypass) {
        retention(file).ifPresent(current -> {
            boolean weaker = next.until().isBefore(current.until()) || (current.mode() == Mode.COMPLIANCE && next.mode() != Mode.COMPLIANCE);
            boolean active = current.until().isAfter(Instant.now());
            if (active && weaker && (current.mode() == Mode.COMPLIANCE || !bypass)) {
                throw new S3Failure(403, "AccessDenied", "Access Denied: the object's retention cannot be shortened or weakened"
                        + (current.mode() == Mode.GOVERNANCE ? " without x-amz-bypass-governance-retention" : ""));
            }
        });
        write(file, RETENTION, next.mode() + "|" + next.until());
    }

    static void setLegalHold(Path file, boolean on) {
        write(file, LEGAL_HOLD, on ? "ON" : "OFF");
    }

    /** Refuses the permanent deletion of a locked version (403 AccessDenied, as S3). */
    static void requireDeletable(Path file, boolean bypassGovernance) {
        if (legalHold(file).orElse(false)) {
            throw new S3Failure(403, "AccessDenied", "Access Denied: the object version is under a legal hold");
        }
        retention(file).filter(r -> r.until().isAfter(Instant.now())).ifPresent(r -> {
            if (r.mode() == Mode.COMPLIANCE || !bypassGovernance) {
                throw new S3Failure(403, "AccessDenied", "Access Denied: the object version is locked in " + r.mode() + " mode until " + r.until());
            }
        });
    }

    private static void write(Path file, String name, String value) {
        Xattrs.write(file, name, value);
    }

    private static Optional<String> attribute(Path file, String name) {
        return Xattrs.read(file, name);
    }
}
