package dev.strata.provisioning.storage.embedded;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Reading the small XML documents of S3's bucket configurations (no DTDs, no entities) and writing them back. */
final class S3Xml {

    static final String NS = "http://s3.amazonaws.com/doc/2006-03-01/";

    private S3Xml() {
    }

    /** The document's root element, which must be named {@code rootName}; 400 MalformedXML otherwise. */
    static Element parse(byte[] xml, String rootName) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            Element root = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml)).getDocumentElement();
            if (!rootName.equals(root.getLocalName())) {
                throw malformed();
            }
            return root;
        } catch (S3Failure e) {
            throw e;
        } catch (Exception e) {
            throw malformed();
        }
    }

    static S3Failure malformed() {
        return new S3Failure(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");
    }

    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    static Element child(Element parent, String name) {
        List<Element> all = children(parent, name);
        if (all.size() > 1) {
            throw malformed();
        }
        return all.isEmpty() ? null : all.get(0);
    }

    static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }

    static List<String> texts(Element parent, String name) {
        return children(parent, name).stream().map(e -> e.getTextContent().trim()).toList();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
