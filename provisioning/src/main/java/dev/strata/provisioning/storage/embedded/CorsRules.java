package dev.strata.provisioning.storage.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.w3c.dom.Element;

/**
 * A bucket's CORS configuration ({@code PutBucketCors}) and S3's evaluation of it: the first rule whose
 * AllowedOrigin matches the Origin (one {@code *} wildcard allowed), whose AllowedMethod has the method (the
 * preflight's Access-Control-Request-Method) and whose AllowedHeader patterns cover every requested header.
 */
record CorsRules(List<Rule> rules) {

    private static final Set<String> METHODS = Set.of("GET", "PUT", "POST", "DELETE", "HEAD");

    record Rule(String id, List<String> origins, List<String> methods, List<String> headers, List<String> expose, Integer maxAge) {

        boolean allowsOrigin(String origin) {
            return origins.stream().anyMatch(o -> wildcard(o, origin));
        }

        boolean allowsHeaders(List<String> requested) {
            return requested.stream().allMatch(h -> headers.stream().anyMatch(p -> wildcard(p.toLowerCase(Locale.ROOT), h.toLowerCase(Locale.ROOT))));
        }

        /** The Access-Control-Allow-Origin value: {@code *} when the rule allows any origin, else the origin. */
        String allowOrigin(String origin) {
            return origins.contains("*") ? "*" : origin;
        }
    }

    static CorsRules parse(byte[] xml) {
        Element root = S3Xml.parse(xml, "CORSConfiguration");
        List<Element> ruleElements = S3Xml.children(root, "CORSRule");
        if (ruleElements.isEmpty() || ruleElements.size() > 100) {
            throw S3Xml.malformed();
        }
        List<Rule> rules = new ArrayList<>();
        for (Element r : ruleElements) {
            List<String> origins = S3Xml.texts(r, "AllowedOrigin");
            List<String> methods = S3Xml.texts(r, "AllowedMethod");
            if (origins.isEmpty() || methods.isEmpty()) {
                throw S3Xml.malformed();
            }
            for (String m : methods) {
                if (!METHODS.contains(m)) {
                    throw new S3Failure(400, "InvalidRequest", "Found unsupported HTTP method in CORS config. Unsupported method is " + m);
                }
            }
            for (String o : origins) {
                if (o.chars().filter(c -> c == '*').count() > 1) {
                    throw new S3Failure(400, "InvalidRequest", "AllowedOrigin \"" + o + "\" can not have more than one wildcard.");
                }
            }
            String maxAge = S3Xml.text(r, "MaxAgeSeconds");
            Integer age;
            try {
                age = maxAge == null ? null : Integer.valueOf(maxAge);
            } catch (NumberFormatException e) {
                throw S3Xml.malformed();
            }
            rules.add(new Rule(S3Xml.text(r, "ID"), origins, methods, S3Xml.texts(r, "AllowedHeader"), S3Xml.texts(r, "ExposeHeader"), age));
        }
        return new CorsRules(List.copyOf(rules));
    }

    /** The rule that allows this (preflight or actual) request, if any. */
    Optional<Rule> match(String origin, String method, List<String> requestHeaders) {
        return rules.stream().filter(r -> r.allowsOrigin(origin) && r.methods().contains(method) && r.allowsHeaders(requestHeaders)).findFirst();
    }

    String toXml() {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CORSConfiguration xmlns=\"" + S3Xml.NS + "\">");
        for (Rule r : rules) {
            sb.append("<CORSRule>");
            if (r.id() != null) {
                sb.append("<ID>").append(S3Xml.escape(r.id())).append("</ID>");
            }
            r.origins().forEach(o -> sb.append("<AllowedOrigin>").append(S3Xml.escape(o)).append("</AllowedOrigin>"));
            r.methods().forEach(m -> sb.append("<AllowedMethod>").append(m).append("</AllowedMethod>"));
            r.headers().forEach(h -> sb.append("<AllowedHeader>").append(S3Xml.escape(h)).append("</AllowedHeader>"));
            r.expose().forEach(h -> sb.append("<ExposeHeader>").append(S3Xml.escape(h)).append("</ExposeHeader>"));
            if (r.maxAge() != null) {
                sb.append("<MaxAgeSeconds>").append(r.maxAge()).append("</MaxAgeSeconds>");
            }
            sb.append("</CORSRule>");
        }
        return sb.append("</CORSConfiguration>").toString();
    }

    /** S3's wildcard: {@code *} stands for any run of characters, everything else is literal. */
    static boolean wildcard(String pattern, String value) {
        if (pattern.equals("*")) {
            return true;
        }
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(value).matches();
    }
}
