package dev.strata.provisioning.storage.embedded;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * A bucket's object ownership setting ({@code PutBucketOwnershipControls}, {@code x-amz-object-ownership} on
 * CreateBucket): {@code BucketOwnerEnforced}, {@code BucketOwnerPreferred} or {@code ObjectWriter}. Every object of a
 * project's bucket is written with the project's keys, so writer and owner are always the same account; what the
 * setting changes is ACLs: under {@code BucketOwnerEnforced} a request that sets one (other than
 * {@code bucket-owner-full-control}) is refused with 400 AccessControlListNotSupported, as S3 does.
 */
final class ObjectOwnership {

    static final Set<String> VALUES = Set.of("BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter");
    static final String ENFORCED = "BucketOwnerEnforced";

    private ObjectOwnership() {
    }

    /** The setting a {@code OwnershipControls} document names (exactly one rule). */
    static String parse(byte[] xml) {
        Element root = S3Xml.parse(xml, "OwnershipControls");
        List<Element> rules = S3Xml.children(root, "Rule");
        if (rules.size() != 1) {
            throw S3Xml.malformed();
        }
        return valid(S3Xml.text(rules.get(0), "ObjectOwnership"));
    }

    static String valid(String value) {
        if (value == null || !VALUES.contains(value)) {
            throw new S3Failure(400, "InvalidArgument", "Invalid x-amz-object-ownership value: " + value);
        }
        return value;
    }

    static byte[] document(String value) {
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OwnershipControls xmlns=\"" + S3Xml.NS + "\"><Rule><ObjectOwnership>"
                + value + "</ObjectOwnership></Rule></OwnershipControls>").getBytes(StandardCharsets.UTF_8);
    }

    /** Whether a request sets an ACL that a bucket with ACLs disabled refuses. */
    static boolean setsAcl(String cannedAcl, boolean grants, boolean aclSubresource) {
        return aclSubresource || grants || cannedAcl != null && !cannedAcl.equals("bucket-owner-full-control");
    }
}
