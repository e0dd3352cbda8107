package dev.strata.domain.database;

import dev.strata.domain.shared.InvalidInputException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A memory limit written as a Kubernetes memory quantity: plain bytes ({@code 536870912}) or a number with a
 * decimal suffix k, M, G, T, P, E (powers of 1000) or a binary suffix Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024),
 * e.g. {@code 512Mi}, {@code 2Gi}, {@code 1G}, {@code 1.5Gi}. Between 64Mi and 1Ti, in whole bytes.
 *
 * @param value the quantity as the user wrote it, without surrounding whitespace; shown back unchanged
 * @param bytes the same amount in bytes
 */
public record MemoryQuantity(String value, long bytes) {

    public static final String FIELD = "memory";
    public static final long MIN_BYTES = 64L << 20;
    public static final long MAX_BYTES = 1L << 40;

    /** Digits with an optional fraction ({@code 1.5}, {@code .5}), then an optional suffix. ASCII only. */
    private static final Pattern QUANTITY = Pattern.compile("([0-9]+)?(?:\\.([0-9]+))?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?");

    private static final Map<String, BigInteger> MULTIPLIERS = Map.ofEntries(
            Map.entry("", BigInteger.ONE),
            Map.entry("k", BigInteger.TEN.pow(3)),
            Map.entry("M", BigInteger.TEN.pow(6)),
            Map.entry("G", BigInteger.TEN.pow(9)),
            Map.entry("T", BigInteger.TEN.pow(12)),
            Map.entry("P", BigInteger.TEN.pow(15)),
            Map.entry("E", BigInteger.TEN.pow(18)),
            Map.entry("Ki", BigInteger.TWO.pow(10)),
            Map.entry("Mi", BigInteger.TWO.pow(20)),
            Map.entry("Gi", BigInteger.TWO.pow(30)),
            Map.entry("Ti", BigInteger.TWO.pow(40)),
            Map.entry("Pi", BigInteger.TWO.pow(50)),
            Map.entry("Ei", BigInteger.TWO.pow(60)));

    public static final MemoryQuantity DEFAULT = parse("512Mi");

    /**
     * Checks that {@code value} is a valid quantity and {@code bytes} is its amount, so a quantity read back
     * from storage is as trustworthy as a parsed one. Prefer {@link #parse(String)}.
     *
     * @throws InvalidInputException if {@code value} is not a valid quantity or does not equal {@code bytes}
     */
    public MemoryQuantity {
        value = Inputs.required(FIELD, value);
        long expected = bytesOf(value);
        if (expected != bytes) {
            throw new InvalidInputException(FIELD, FIELD + " " + Inputs.quoted(value) + " is " + expected
                    + " bytes, not " + bytes);
        }
    }

    /**
     * The quantity written in {@code text}, ignoring surrounding whitespace.
     *
     * @throws InvalidInputException (field {@code memory}) if {@code text} is null, blank, not a memory
     *                               quantity, not a whole number of bytes, or outside 64Mi..1Ti
     */
    public static MemoryQuantity parse(String text) {
        String value = Inputs.required(FIELD, text);
        return new MemoryQuantity(value, bytesOf(value));
    }

    /** The amount in whole mebibytes, rounded down. */
    public long mebibytes() {
        return bytes / (1L << 20);
    }

    private static long bytesOf(String value) {
        Matcher m = QUANTITY.matcher(value);
        if (!m.matches() || (m.group(1) == null && m.group(2) == null)) {
            throw new InvalidInputException(FIELD, FIELD
                    + " must be a Kubernetes memory quantity such as 512Mi, 2Gi or 1G (got " + Inputs.quoted(value) + ")");
        }
        // Work on the digit strings first so that a hostile 10 MB number costs no big arithmetic.
        String whole = Inputs.stripLeadingZeros(m.group(1) == null ? "" : m.group(1));
        String fraction = Inputs.stripTrailingZeros(m.group(2) == null ? "" : m.group(2));
        BigInteger multiplier = MULTIPLIERS.get(m.group(3) == null ? "" : m.group(3));

        // Whether the amount is whole depends on the fraction alone. The largest multiplier is 2^60, which
        // makes at most 60 decimals whole; a longer fraction (not ending in 0) never is.
        if (!fraction.isEmpty()) {
            boolean wholeBytes = fraction.length() <= 60
                    && new BigDecimal(new BigInteger(fraction), fraction.length())
                            .multiply(new BigDecimal(multiplier)).stripTrailingZeros().scale() <= 0;
            if (!wholeBytes) {
                throw new InvalidInputException(FIELD, FIELD + " must be a whole number of bytes (got "
                        + Inputs.quoted(value) + ")");
            }
        }
        // 1Ti is 13 digits of bytes; more than 20 integer digits is far out of range whatever the suffix.
        long bytes = -1;
        if (whole.length() <= 20) {
            BigInteger exact = new BigDecimal((whole.isEmpty() ? "0" : whole) + (fraction.isEmpty() ? "" : "." + fraction))
                    .multiply(new BigDecimal(multiplier))
                    .toBigIntegerExact();
            if (exact.bitLength() < Long.SIZE) {
                bytes = exact.longValue();
            }
        }
        if (bytes < MIN_BYTES || bytes > MAX_BYTES) {
            throw new InvalidInputException(FIELD, FIELD + " must be between 64Mi and 1Ti (got " + Inputs.quoted(value) + ")");
        }
        return bytes;
    }
}
