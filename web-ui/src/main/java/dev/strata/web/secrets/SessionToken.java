package dev.strata.web.secrets;

import jakarta.enterprise.context.SessionScoped;
import jakarta.inject.Named;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A random token per session, rendered into every page ({@code <meta name="strata-token">}) and required in the
 * {@code X-Strata-Token} header of the dashboard's own script requests: another site can make the browser send the
 * session cookie, but it cannot read the token.
 */
@Named("sessionToken")
@SessionScoped
public class SessionToken implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String value;

    public SessionToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public String getValue() {
        return value;
    }

    /** Whether {@code presented} is this session's token (compared in constant time). */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII));
    }
}
