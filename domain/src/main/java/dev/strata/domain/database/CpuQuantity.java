package dev.strata.domain.database;

import dev.strata.domain.shared.InvalidInputException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CPU limit written as a Kubernetes CPU quantity: whole or decimal cores ({@code 1}, {@code 2.5},
 * {@code 0.5}) or millicores ({@code 250m}). Between 1m and 64 cores, in whole millicores.
 *
 * @param value      the quantity as the user wrote it, without surrounding whitespace; shown back unchanged
 * @param millicores the same amount in thousandths of a core
 */
public record CpuQuantity(String value, long millicores) {

    public static final String FIELD = "cpu";
    public static final long MIN_MILLICORES = 1;
    public static final long MAX_MILLICORES = 64_000;

    /** Digits with an optional fraction ({@code 2.5}, {@code .5}), then an optional {@code m}. ASCII only. */
    private static final Pattern QUANTITY = Pattern.compile("([0-9]+)?(?:\\.([0-9]+))?(m)?");

    public static final CpuQuantity DEFAULT = parse("250m");

    /**
     * Checks that {@code value} is a valid quantity and {@code millicores} is its amount, so a quantity read
     * back from storage is as trustworthy as a parsed one. Prefer {@link #parse(String)}.
     *
     * @throws InvalidInputException if {@code value} is not a valid quantity or does not equal {@code millicores}
     */
    public CpuQuantity {
        value = Inputs.required(FIELD, value);
        long expected = millicoresOf(value);
        if (expected != millicores) {
            throw new InvalidInputException(FIELD, FIELD + " " + Inputs.quoted(value) + " is " + expected
                    + " millicores, not " + millicores);
        }
    }

    /**
     * The quantity written in {@code text}, ignoring surrounding whitespace.
     *
     * @throws InvalidInputException (field {@code cpu}) if {@code text} is null, blank, not a CPU quantity, not a
     *                               whole number of millicores, or outside 1m..64
     */
    public static CpuQuantity parse(String text) {
        String value = Inputs.required(FIELD, text);
        return new CpuQuantity(value, millicoresOf(value));
    }

    /** The amount in cores, e.g. 0.25 for {@code 250m}. */
    public double cores() {
        return millicores / 1000.0;
    }

    private static long millicoresOf(String value) {
        Matcher m = QUANTITY.matcher(value);
        if (!m.matches() || (m.group(1) == null && m.group(2) == null)) {
            throw new InvalidInputException(FIELD, FIELD + " must be a Kubernetes CPU quantity such as 250m, 1 or 2.5 (got "
                    + Inputs.quoted(value) + ")");
        }
        // Work on the digit strings so that a hostile "000…0001" or a 10 MB number costs no big arithmetic.
        String whole = Inputs.stripLeadingZeros(m.group(1) == null ? "" : m.group(1));
        String fraction = Inputs.stripTrailingZeros(m.group(2) == null ? "" : m.group(2));
        boolean milli = m.group(3) != null;

        int fractionDigitsAllowed = milli ? 0 : 3;
        if (fraction.length() > fractionDigitsAllowed) {
            throw new InvalidInputException(FIELD, FIELD + " must be a whole number of millicores (got "
                    + Inputs.quoted(value) + ")");
        }
        // 64 cores is 64000m: five digits. Anything with more than 12 integer digits is far out of range
        // and would not fit the arithmetic below without overflow.
        long millicores = -1;
        if (whole.length() <= 12) {
            long w = whole.isEmpty() ? 0 : Long.parseLong(whole);
            long f = fraction.isEmpty() ? 0 : Long.parseLong((fraction + "00").substring(0, 3));
            millicores = milli ? w : w * 1000 + f;
        }
        if (millicores < MIN_MILLICORES || millicores > MAX_MILLICORES) {
            throw new InvalidInputException(FIELD, FIELD + " must be between 1m and 64 (got " + Inputs.quoted(value) + ")");
        }
        return millicores;
    }
}
