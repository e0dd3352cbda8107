package dev.strata.provisioning.storage.embedded;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * A bucket's lifecycle configuration ({@code PutBucketLifecycleConfiguration}), of the actions Strata applies:
 * Expiration (Days, Date, ExpiredObjectDeleteMarker), NoncurrentVersionExpiration (NoncurrentDays) and
 * AbortIncompleteMultipartUpload (DaysAfterInitiation), for the keys under a prefix. Transitions (there is one
 * storage class here) and filters on tags or object size are refused with 501 NotImplemented rather than accepted
 * and ignored.
 */
record LifecycleRules(List<Rule> rules) {

    record Rule(String id, boolean enabled, String prefix, Integer expirationDays, LocalDate expirationDate,
                boolean expiredObjectDeleteMarker, Integer noncurrentDays, Integer abortAfterDays) {

        boolean applies(String key) {
            return enabled && key.startsWith(prefix);
        }
    }

    static LifecycleRules parse(byte[] xml) {
        Element root = S3Xml.parse(xml, "LifecycleConfiguration");
        List<Element> ruleElements = S3Xml.children(root, "Rule");
        if (ruleElements.isEmpty() || ruleElements.size() > 1000) {
            throw S3Xml.malformed();
        }
        List<Rule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Element r : ruleElements) {
            String id = S3Xml.text(r, "ID");
            if (id != null && id.length() > 255) {
                throw new S3Failure(400, "InvalidArgument", "ID length should not exceed allowed limit of 255");
            }
            if (id != null && !ids.add(id)) {
                throw new S3Failure(400, "InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule");
            }
            String status = S3Xml.text(r, "Status");
            if (!"Enabled".equals(status) && !"Disabled".equals(status)) {
                throw S3Xml.malformed();
            }
            if (S3Xml.child(r, "Transition") != null || S3Xml.child(r, "NoncurrentVersionTransition") != null) {
                throw new S3Failure(501, "NotImplemented", "lifecycle transitions are not supported: this store has one storage class");
            }
            String prefix = prefixOf(r);
            Integer days = null;
            LocalDate date = null;
            boolean deleteMarker = false;
            Element expiration = S3Xml.child(r, "Expiration");
            if (expiration != null) {
                days = positive(S3Xml.text(expiration, "Days"), "Expiration");
                String d = S3Xml.text(expiration, "Date");
                if (d != null) {
                    try {
                        Instant at = Instant.parse(d.length() == 10 ? d + "T00:00:00Z" : d);
                        if (!at.equals(at.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant())) {
                            throw new S3Failure(400, "InvalidArgument", "'Date' must be at midnight GMT");
                        }
                        date = at.atZone(ZoneOffset.UTC).toLocalDate();
                    } catch (DateTimeParseException e) {
                        throw new S3Failure(400, "InvalidArgument", "'Date' must be an ISO 8601 date at midnight GMT");
                    }
                }
                deleteMarker = "true".equals(S3Xml.text(expiration, "ExpiredObjectDeleteMarker"));
                int set = (days != null ? 1 : 0) + (date != null ? 1 : 0) + (S3Xml.child(expiration, "ExpiredObjectDeleteMarker") != null ? 1 : 0);
                if (set != 1) {
                    throw S3Xml.malformed();
                }
            }
            Element noncurrent = S3Xml.child(r, "NoncurrentVersionExpiration");
            Integer noncurrentDays = noncurrent == null ? null : positive(S3Xml.text(noncurrent, "NoncurrentDays"), "NoncurrentVersionExpiration");
            if (noncurrent != null && noncurrentDays == null) {
                throw S3Xml.malformed();
            }
            Element abort = S3Xml.child(r, "AbortIncompleteMultipartUpload");
            Integer abortDays = abort == null ? null : positive(S3Xml.text(abort, "DaysAfterInitiation"), "AbortIncompleteMultipartUpload");
            if (abort != null && abortDays == null) {
                throw S3Xml.malformed();
            }
            if (expiration == null && noncurrent == null && abort == null) {
                throw new S3Failure(400, "InvalidRequest", "At least one action needs to be specified in a rule");
            }
            rules.add(new Rule(id, "Enabled".equals(status), prefix, days, date, deleteMarker, noncurrentDays, abortDays));
        }
        return new LifecycleRules(List.copyOf(rules));
    }

    private static String prefixOf(Element rule) {
        String legacy = S3Xml.text(rule, "Prefix");
        Element filter = S3Xml.child(rule, "Filter");
        if (filter == null) {
            return legacy == null ? "" : legacy;
        }
        if (legacy != null) {
            throw S3Xml.malformed();
        }
        if (S3Xml.child(filter, "Tag") != null || S3Xml.child(filter, "ObjectSizeGreaterThan") != null
                || S3Xml.child(filter, "ObjectSizeLessThan") != null) {
            throw new S3Failure(501, "NotImplemented", "lifecycle filters on tags or object size are not supported; filter by Prefix");
        }
        Element and = S3Xml.child(filter, "And");
        if (and != null) {
            if (S3Xml.child(and, "Tag") != null || S3Xml.child(and, "ObjectSizeGreaterThan") != null
                    || S3Xml.child(and, "ObjectSizeLessThan") != null) {
                throw new S3Failure(501, "NotImplemented", "lifecycle filters on tags or object size are not supported; filter by Prefix");
            }
            String p = S3Xml.text(and, "Prefix");
            return p == null ? "" : p;
        }
        String p = S3Xml.text(filter, "Prefix");
        return p == null ? "" : p;
    }

    private static Integer positive(String value, String action) {
        if (value == null) {
            return null;
        }
        try {
            int days = Integer.parseInt(value);
            if (days > 0) {
                return days;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new S3Failure(400, "InvalidArgument", "'Days' for " + action + " action must be a positive integer");
    }

    String toXml() {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LifecycleConfiguration xmlns=\"" + S3Xml.NS + "\">");
        for (Rule r : rules) {
            sb.append("<Rule>");
            if (r.id() != null) {
                sb.append("<ID>").append(S3Xml.escape(r.id())).append("</ID>");
            }
            sb.append("<Filter><Prefix>").append(S3Xml.escape(r.prefix())).append("</Prefix></Filter>");
            sb.append("<Status>").append(r.enabled() ? "Enabled" : "Disabled").append("</Status>");
            if (r.expirationDays() != null || r.expirationDate() != null || r.expiredObjectDeleteMarker()) {
                sb.append("<Expiration>");
                if (r.expirationDays() != null) {
                    sb.append("<Days>").append(r.expirationDays()).append("</Days>");
                }
                if (r.expirationDate() != null) {
                    sb.append("<Date>").append(r.expirationDate()).append("T00:00:00.000Z</Date>");
                }
                if (r.expiredObjectDeleteMarker()) {
                    sb.append("<ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker>");
                }
                sb.append("</Expiration>");
            }
            if (r.noncurrentDays() != null) {
                sb.append("<NoncurrentVersionExpiration><NoncurrentDays>").append(r.noncurrentDays()).append("</NoncurrentDays></NoncurrentVersionExpiration>");
            }
            if (r.abortAfterDays() != null) {
                sb.append("<AbortIncompleteMultipartUpload><DaysAfterInitiation>").append(r.abortAfterDays())
                        .append("</DaysAfterInitiation></AbortIncompleteMultipartUpload>");
            }
            sb.append("</Rule>");
        }
        return sb.append("</LifecycleConfiguration>").toString();
    }

    /**
     * When something dated {@code from} is due after {@code days} days: S3 adds the days and rounds up to the next
     * midnight UTC; with a shortened day (tests) there is no rounding.
     */
    static Instant due(Instant from, int days, Duration day) {
        Instant due = from.plus(day.multipliedBy(days));
        if (!day.equals(Duration.ofDays(1))) {
            return due;
        }
        Instant midnight = due.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
        return midnight.equals(due) ? due : midnight.plus(Duration.ofDays(1));
    }
}
