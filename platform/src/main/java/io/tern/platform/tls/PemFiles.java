package io.tern.platform.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and PKCS#8 private keys (what {@code openssl genpkey} and {@code bin/make-certs}
 * write) and checks that a key belongs to its certificate. Every failure is a {@link TlsConfigException}
 * whose message names the flag and the file.
 */
final class PemFiles {

    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final Pattern OTHER_KEY = Pattern.compile("-----BEGIN ([A-Z ]*)PRIVATE KEY-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

    private PemFiles() {
    }

    /** The certificates in {@code file}, in order (a chain starts with the leaf). */
    static List<X509Certificate> certificates(Path file, String flag) {
        byte[] bytes = read(file, flag);
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            for (var certificate : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes))) {
                certificates.add((X509Certificate) certificate);
            }
        } catch (CertificateException e) {
            throw new TlsConfigException(flag + " " + file + " is not a PEM certificate file: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new TlsConfigException(flag + " " + file + " holds no PEM certificate");
        }
        return certificates;
    }

    /** The unencrypted PKCS#8 private key in {@code file}. */
    static PrivateKey privateKey(Path file, String flag) {
        String text = new String(read(file, flag), StandardCharsets.US_ASCII);
        Matcher pkcs8 = PKCS8.matcher(text);
        if (!pkcs8.find()) {
            Matcher other = OTHER_KEY.matcher(text);
            String kind = other.find() ? "a " + other.group(1).strip() + " private key" : "no PEM private key";
            throw new TlsConfigException(flag + " " + file + " holds " + kind + "; an unencrypted PKCS#8 key is needed "
                    + "(BEGIN PRIVATE KEY; convert with: openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pkcs8.group(1));
        } catch (IllegalArgumentException e) {
            throw new TlsConfigException(flag + " " + file + " holds a private key that is not valid base64", e);
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm; try the next
            }
        }
        throw new TlsConfigException(flag + " " + file + " holds a private key of an unknown kind (not RSA, EC or EdDSA)");
    }

    /** Refuses a key that does not belong to {@code certificate}: it must sign what the certificate's key verifies. */
    static void checkPair(PrivateKey key, X509Certificate certificate, String keyFlag, Path keyFile, String certFlag,
                          Path certFile) {
        byte[] probe = "tern: does this key belong to this certificate?".getBytes(StandardCharsets.US_ASCII);
        PublicKey publicKey = certificate.getPublicKey();
        boolean matches;
        try {
            String algorithm = switch (key.getAlgorithm()) {
                case "RSA" -> "SHA256withRSA";
                case "EC" -> "SHA256withECDSA";
                default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA
            };
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new TlsConfigException(keyFlag + " " + keyFile + " is not the key of the certificate in " + certFlag
                    + " " + certFile);
        }
    }

    private static byte[] read(Path file, String flag) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsConfigException(flag + " " + file + " does not exist", e);
        } catch (IOException e) {
            throw new TlsConfigException(flag + " " + file + " cannot be read: " + e.getMessage(), e);
        }
    }
}
