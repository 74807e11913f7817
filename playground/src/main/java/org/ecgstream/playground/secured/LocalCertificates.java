package org.ecgstream.playground.secured;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made on the spot and the broker certificates it signs, for a broker on
 * this machine: PKCS12 key and trust stores under one folder, with a random password that exists
 * only in this process. Nothing here is committed or reused between runs.
 *
 * <p>Besides a valid broker certificate it issues one that expired yesterday, so a test can show
 * what a client says about it.
 */
public final class LocalCertificates {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Path brokerKeystore;
  private final Path expiredBrokerKeystore;
  private final Path truststore;
  private final String password;

  private LocalCertificates(Path brokerKeystore, Path expiredBrokerKeystore, Path truststore, String password) {
    this.brokerKeystore = brokerKeystore;
    this.expiredBrokerKeystore = expiredBrokerKeystore;
    this.truststore = truststore;
    this.password = password;
  }

  /** A new authority and its certificates for {@code localhost} and 127.0.0.1, written under {@code dir}. */
  public static LocalCertificates create(Path dir, String authorityName) {
    try {
      Files.createDirectories(dir);
      String password = randomSecret();
      KeyPair ca = keyPair();
      X500Name caName = new X500Name("CN=" + authorityName);
      Instant now = Instant.now();
      X509Certificate caCert = sign(new JcaX509v3CertificateBuilder(caName, serial(), Date.from(now.minus(Duration.ofDays(1))),
          Date.from(now.plus(Duration.ofDays(2))), caName, ca.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)), ca);

      KeyPair broker = keyPair();
      X509Certificate valid = brokerCertificate(caName, ca, broker, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
      X509Certificate expired = brokerCertificate(caName, ca, broker, now.minus(Duration.ofDays(2)),
          now.minus(Duration.ofDays(1)));

      Path keystore = keyStore(dir.resolve("broker.p12"), broker, valid, caCert, password);
      Path expiredKeystore = keyStore(dir.resolve("broker-expired.p12"), broker, expired, caCert, password);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", caCert);
      Path truststore = store(trust, dir.resolve("truststore.p12"), password);
      return new LocalCertificates(keystore, expiredKeystore, truststore, password);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot make the local certificates: " + e.getMessage(), e);
    }
  }

  /** A random password or SCRAM secret: 24 random bytes, URL-safe Base64. */
  public static String randomSecret() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public Path brokerKeystore() {
    return brokerKeystore;
  }

  public Path expiredBrokerKeystore() {
    return expiredBrokerKeystore;
  }

  /** The authority's certificate alone: what clients trust. */
  public Path truststore() {
    return truststore;
  }

  /** The one password of every store here. */
  public String password() {
    return password;
  }

  private static X509Certificate brokerCertificate(X500Name caName, KeyPair ca, KeyPair broker, Instant from, Instant to)
      throws IOException, GeneralSecurityException, OperatorCreationException {
    // Clients check the host name against the certificate (ssl.endpoint.identification.algorithm=https).
    GeneralNames names = new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, "localhost"),
        new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress())});
    return sign(new JcaX509v3CertificateBuilder(caName, serial(), Date.from(from), Date.from(to),
        new X500Name("CN=localhost"), broker.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.subjectAlternativeName, false, names)
        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth)), ca);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
  }

  private static Path keyStore(Path file, KeyPair key, X509Certificate cert, X509Certificate ca, String password)
      throws GeneralSecurityException, IOException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("broker", key.getPrivate(), password.toCharArray(), new Certificate[] {cert, ca});
    return store(ks, file, password);
  }

  private static Path store(KeyStore ks, Path file, String password) throws GeneralSecurityException, IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      ks.store(out, password.toCharArray());
    }
    return file;
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256, RANDOM);
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM);
  }
}
