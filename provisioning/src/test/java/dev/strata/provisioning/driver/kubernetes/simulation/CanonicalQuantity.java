package dev.strata.provisioning.driver.kubernetes.simulation;

import io.kubernetes.client.custom.Quantity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * A Kubernetes quantity written the way Go's {@code resource.Quantity} marshals it, which is what an operator's
 * webhook sends back when it decodes an object into its Go types and encodes it again: {@code 1000m} becomes
 * {@code 1}, {@code 0.5} becomes {@code 500m}, {@code 1024Mi} becomes {@code 1Gi}, {@code 1.5Gi} becomes
 * {@code 1536Mi}. Modelled on k8s.io/apimachinery {@code pkg/api/resource/quantity.go} ({@code ParseQuantity}
 * rounds up to 1n; {@code CanonicalizeBytes}) and {@code amount.go} ({@code AsCanonicalBytes},
 * {@code AsCanonicalBase1024Bytes}). The Java client's own {@code toSuffixedString()} differs ({@code 1.5Gi}
 * stays {@code 1610612736}), so it is used for parsing only.
 */
public final class CanonicalQuantity {

    private static final String[] DECIMAL_SUFFIXES = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    private static final String[] BINARY_SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    private static final BigInteger KI = BigInteger.valueOf(1024);

    private CanonicalQuantity() {
    }

    /** The canonical form of {@code text}; throws if it is not a quantity (Go's decoder refuses the object then). */
    public static String of(String text) {
        Quantity q = new Quantity(text);
        BigDecimal value = q.getNumber().setScale(9, RoundingMode.CEILING).stripTrailingZeros();
        if (value.signum() == 0) {
            return "0";
        }
        Quantity.Format format = q.getFormat();
        if (format == Quantity.Format.BINARY_SI) {
            boolean whole = value.scale() <= 0;
            if (value.abs().compareTo(BigDecimal.valueOf(1024)) < 0 || !whole) {
                format = Quantity.Format.DECIMAL_SI; // CanonicalizeBytes: small or fractional amounts show as DecimalSI
            } else {
                BigInteger amount = value.toBigIntegerExact();
                int exponent = 0;
                while (exponent < BINARY_SUFFIXES.length - 1 && amount.mod(KI).signum() == 0) {
                    amount = amount.divide(KI);
                    exponent++;
                }
                return amount + BINARY_SUFFIXES[exponent];
            }
        }
        // AsCanonicalBytes: the mantissa without trailing zeros, the exponent lowered to a multiple of 3
        BigInteger amount = value.unscaledValue();
        int exponent = -value.scale();
        int rest = Math.floorMod(exponent, 3);
        amount = amount.multiply(BigInteger.TEN.pow(rest));
        exponent -= rest;
        if (format == Quantity.Format.DECIMAL_SI && exponent >= -9 && exponent <= 18) {
            return amount + DECIMAL_SUFFIXES[exponent / 3 + 3];
        }
        return exponent == 0 ? amount.toString() : amount + "e" + exponent;
    }
}
