package dev.strata.provisioning.storage.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.w3c.dom.Element;

/**
 * Object tags ({@code ?tagging}, the {@code x-amz-tagging} header): at most 10 per object, keys of 1-128 and values
 * of up to 256 characters, kept in an extended attribute of the object's file (of the version's file in a
 * versioned bucket), so they live and die with the bytes they describe: an overwrite starts without tags, as on S3.
 */
final class ObjectTags {

    private static final String ATTRIBUTE = "strata.tags";
    private static final String VERSIONS_DIR = ".s3proxy-versions";

    private ObjectTags() {
    }

    /** Tags from the XML body of PutObjectTagging / PutBucketTagging; 400 InvalidTag when S3 would refuse them. */
    static Map<String, String> fromXml(byte[] xml) {
        return fromXml(xml, 10);
    }

    /** As {@link #fromXml(byte[])}, with {@code max} tags at most (a bucket may have 50). */
    static Map<String, String> fromXml(byte[] xml, int max) {
        Element root = S3Xml.parse(xml, "Tagging");
        Element set = S3Xml.child(root, "TagSet");
        if (set == null) {
            throw S3Xml.malformed();
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (Element tag : S3Xml.children(set, "Tag")) {
            String key = S3Xml.text(tag, "Key");
            String value = S3Xml.text(tag, "Value");
            if (key == null || value == null) {
                throw S3Xml.malformed();
            }
            put(tags, key, value);
        }
        return validated(tags, max);
    }

    /** Tags from the {@code x-amz-tagging} header (URL query form). */
    static Map<String, String> fromHeader(String header) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (header == null || header.isEmpty()) {
            return tags;
        }
        for (String pair : header.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            put(tags, key, value);
        }
        return validated(tags, 10);
    }

    private static void put(Map<String, String> tags, String key, String value) {
        if (tags.put(key, value) != null) {
            throw new S3Failure(400, "InvalidTag", "Cannot provide multiple Tags with the same key");
        }
    }

    private static Map<String, String> validated(Map<String, String> tags, int max) {
        if (tags.size() > max) {
            throw new S3Failure(400, "InvalidTag", "Object tags cannot be greater than " + max);
        }
        for (var e : tags.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().codePointCount(0, e.getKey().length()) > 128) {
                throw new S3Failure(400, "InvalidTag", "The TagKey you have provided is invalid");
            }
            if (e.getValue().codePointCount(0, e.getValue().length()) > 256) {
                throw new S3Failure(400, "InvalidTag", "The TagValue you have provided is invalid");
            }
        }
        return tags;
    }

    /** The Tagging document, tags in key order. */
    static String toXml(Map<String, String> tags) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Tagging xmlns=\"" + S3Xml.NS + "\"><TagSet>");
        new java.util.TreeMap<>(tags).forEach((k, v) -> sb.append("<Tag><Key>").append(S3Xml.escape(k)).append("</Key><Value>").append(S3Xml.escape(v)).append("</Value></Tag>"));
        return sb.append("</TagSet></Tagging>").toString();
    }

    static String toHeader(Map<String, String> tags) {
        StringBuilder sb = new StringBuilder();
        tags.forEach((k, v) -> {
            if (!sb.isEmpty()) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return sb.toString();
    }

    /**
     * The file holding {@code key} (its version {@code versionId}, when given) in the bucket directory, or empty when
     * there is none. The current version is the file at the encoded key; older ones are s3proxy's version files.
     */
    static Optional<Path> file(Path bucketDir, String key, String versionId) {
        String name = KeyCodec.encode(key);
        Path current = bucketDir.resolve(name);
        if (versionId == null) {
            return Files.isRegularFile(current) ? Optional.of(current) : Optional.empty();
        }
        if (Files.isRegularFile(current) && versionId.equals(attribute(current, "user.version-id").orElse("null"))) {
            return Optional.of(current);
        }
        Path versions = bucketDir.resolve(VERSIONS_DIR);
        if (!Files.isDirectory(versions)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(versions)) {
            return files.filter(f -> attribute(f, "user.version-key").filter(name::equals).isPresent()
                    && attribute(f, "user.version-id").filter(versionId::equals).isPresent()
                    && attribute(f, "user.delete-marker").isEmpty()).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> read(Path file) {
        return attribute(file, "user." + ATTRIBUTE).map(v -> fromStored(v.startsWith("@") ? largeSet(file, v.substring(1)) : v))
                .orElseGet(LinkedHashMap::new);
    }

    /**
     * Tags are kept in an extended attribute of the object's file; a large tag set (S3 allows 10 tags of 128 + 256
     * characters, more than the 4 KiB that ext4 gives all attributes of a file together) is kept in a file of its own
     * named by its SHA-256 under {@code objects/tag-sets/}, and the attribute holds {@code @<sha-256>}. Tag-set files
     * are immutable and may be shared; they are not removed with the object (a few KiB each at most).
     */
    static void write(Path file, Map<String, String> tags) {
        if (tags.isEmpty()) {
            Xattrs.remove(file, "user." + ATTRIBUTE);
            return;
        }
        String value = toHeader(tags);
        if (value.length() > LARGE) {
            String sha = sha256(value);
            Path stored = tagSets(file).resolve(sha);
            try {
                if (!Files.exists(stored)) {
                    Files.createDirectories(stored.getParent());
                    Path tmp = stored.resolveSibling(sha + "." + java.util.UUID.randomUUID() + ".tmp");
                    Files.writeString(tmp, value, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW,
                            java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.SYNC);
                    Files.move(tmp, stored, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            value = "@" + sha;
        }
        Xattrs.write(file, "user." + ATTRIBUTE, value);
    }

    /** Stored values longer than this go to a tag-set file (URL-encoded values never start with {@code @}). */
    private static final int LARGE = 1024;

    private static String largeSet(Path file, String sha) {
        try {
            return Files.readString(tagSets(file).resolve(sha), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("the tag set " + sha + " of " + file + " cannot be read", e);
        }
    }

    /** {@code objects/tag-sets}: the sibling of {@code objects/buckets}, the directory the object's file is under. */
    private static Path tagSets(Path file) {
        for (Path p = file.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (p.getFileName() != null && p.getFileName().toString().equals("buckets") && p.getParent() != null) {
                return p.getParent().resolve("tag-sets");
            }
        }
        throw new IllegalStateException("not an object's file: " + file);
    }

    private static String sha256(String value) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> fromStored(String stored) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String pair : stored.split("&")) {
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                tags.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return tags;
    }

    /** An attribute as s3proxy names them ({@code user.…} within the user namespace). */
    private static Optional<String> attribute(Path file, String name) {
        return Xattrs.read(file, name);
    }
}
