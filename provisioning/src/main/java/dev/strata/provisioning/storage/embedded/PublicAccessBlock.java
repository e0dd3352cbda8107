package dev.strata.provisioning.storage.embedded;

import org.w3c.dom.Element;

/**
 * A bucket's public access block ({@code PutPublicAccessBlock}): refuse public ACLs (BlockPublicAcls), refuse
 * policies that grant everyone anything (BlockPublicPolicy), ignore public ACLs for anonymous requests
 * (IgnorePublicAcls), and serve no anonymous request at all whatever the policy says (RestrictPublicBuckets).
 */
record PublicAccessBlock(boolean blockPublicAcls, boolean ignorePublicAcls, boolean blockPublicPolicy, boolean restrictPublicBuckets) {

    static final PublicAccessBlock NONE = new PublicAccessBlock(false, false, false, false);

    static PublicAccessBlock parse(byte[] xml) {
        Element root = S3Xml.parse(xml, "PublicAccessBlockConfiguration");
        return new PublicAccessBlock(flag(root, "BlockPublicAcls"), flag(root, "IgnorePublicAcls"), flag(root, "BlockPublicPolicy"),
                flag(root, "RestrictPublicBuckets"));
    }

    private static boolean flag(Element root, String name) {
        String value = S3Xml.text(root, name);
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw S3Xml.malformed();
    }

    /** A canned ACL that opens the bucket or object to people without the project's keys. */
    static boolean publicAcl(String cannedAcl) {
        return cannedAcl != null && (cannedAcl.equals("public-read") || cannedAcl.equals("public-read-write")
                || cannedAcl.equals("authenticated-read"));
    }
}
