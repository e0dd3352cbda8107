package dev.strata.provisioning.event;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** A network in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}, {@code 127.0.0.1/32}); a bare address is one host. */
public record Cidr(byte[] network, int prefix, String text) {

    /** Parses {@code text}; an {@link IllegalStateException} naming {@code setting} when it is no CIDR (a configuration error). */
    public static Cidr parse(String setting, String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String host = slash < 0 ? t : t.substring(0, slash);
        if (host.isEmpty() || !host.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalStateException(setting + ": " + t + " is not a network such as 10.0.0.0/8 or fd00::/8 (separate several by commas)");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(host).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalStateException(setting + ": " + t + " is not a network such as 10.0.0.0/8 or fd00::/8 (separate several by commas)");
        }
        int max = bytes.length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? max : Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > max) {
            throw new IllegalStateException(setting + ": the prefix length of " + t + " must be between 0 and " + max
                    + " (networks such as 10.0.0.0/8 or fd00::/8, separated by commas)");
        }
        return new Cidr(bytes, prefix, t);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        return text;
    }
}
