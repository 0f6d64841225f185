/* Fixed inputs of the JWT and JWKS fuzz targets, from the test provider
 * (tests/idp), one run per --alg: its public keys (RSA 2048 for RS256 and
 * for PS256, EC P-256, Ed25519) and one real ID token of each run, for
 * the public client pod-test.  The same JWKS is the seed
 * corpus/fuzz_jwks/idp_keys.json.  Every token verifies against
 * FUZZ_JWKS, and its claims pass with FUZZ_ISSUER, FUZZ_CLIENT_ID and
 * FUZZ_NOW. */
#ifndef POD_FUZZ_FIXTURES_H
#define POD_FUZZ_FIXTURES_H

#define FUZZ_ISSUER "https://127.0.0.1:8443"
#define FUZZ_CLIENT_ID "pod-test"
#define FUZZ_NOW 1795730000 /* between the tokens' iat and exp */
#define FUZZ_LEEWAY 60

static const char FUZZ_JWKS[] =
    "{\"keys\":[\n"
    "{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":\"c0BD6yITF3bjk94JrCP1cdnGP-7k9"
    "c1LL3qkDM_xWmo\",\"alg\":\"RS256\",\"e\":\"AQAB\",\"n\":\"oD2IxM8LHjvAND"
    "49I8AnLr-q1VDqHxHuzU15KN21SPX_JUD7q01wLCgrt7T9aVCt3NBU3tPgLRTWX9ven8FpcT"
    "B9aMi__qpDKiGqVA6Q-WMfiZqJJcGR0TfcKZOSpX_tm90AsSSraUH8PM9wAKTzUk0UPgsEgx"
    "sGFt4kLkw7RnrBK7go-lkWnpmASn37mwjmFc4i_hayRNgGvdog3Fiawi-mNUhqYGGu_kmTb9"
    "lBy4trT71xyL0Jmp5vdjytClMDFc4VK2N_jbeIgZ38kOaOneWfcI1V_MpyP4VD8QD3yAh1hx"
    "QflQ61GCet3lvaA7WsQqayTmgczflV-z1Q90Oymw\"},\n"
    "{\"kty\":\"EC\",\"use\":\"sig\",\"kid\":\"u7bGBqxVbrxwUyb6swu369QTk5T8sX"
    "QH6UxkrhgG3Vc\",\"alg\":\"ES256\",\"crv\":\"P-256\",\"x\":\"ed-gf5a9Ks7r"
    "bByNNsbxGaCGoQFz9Zoh-NdUNksXCqI\",\"y\":\"UBASnHLgw47H9dSZ9FhM96DBvMqS8s"
    "XJx-3RyC7CCls\"},\n"
    "{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":\"lQLd-x_aUEduc03H2Cq2SQ0o4yHRs"
    "xmbXMGlYb6AMws\",\"alg\":\"PS256\",\"e\":\"AQAB\",\"n\":\"n7_yHWpkgebVbA"
    "Znzu3u9t4Z1ML1dmGHFszar7uAkbBa-MOha2MufFMAm_qggOSCGhW8wm_Yrp_4UpTpN9bzzC"
    "AlsQ4oNcK7QQ6n0RvZnIBHvyRYxPowA2bs1fc4Ulga3l9XugqYMWTDApO3Hqa31-MrQUstZV"
    "Kme9x148sztBLZuzGING2ptGgINKNOGpq_vge61KuF2anIDGa5FpS5WHUs9jAa7mGnbcG86q"
    "oc1MW5lTXZHAWnn6GQVtOxt7P0xMN3GmIcEOGOXv8zeC30vvhQPiQ2Nh_A_FtJIZe7pcjLyM"
    "JHSdTn1lrSctT5mtoQ8dip44ZYKyrnjFhlhSyzFQ\"},\n"
    "{\"kty\":\"OKP\",\"use\":\"sig\",\"kid\":\"mmDnK1O_vVhFg-OFba0dywR2Wyq1o"
    "9Q7NzKU0gRx5pI\",\"alg\":\"EdDSA\",\"crv\":\"Ed25519\",\"x\":\"8Lf2Hkp4h"
    "gDdk1vbkCu5LgApyasJJ4huwHcD8RprESA\"}\n"
    "]}\n";

/* Real ID tokens: each verifies with its key in FUZZ_JWKS. */
static const char *const fuzz_idp_tokens[] = {
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImMwQkQ2eUlURjNiams5NEpyQ1AxY2RuR1AtN2s5YzFM"
    "TDNxa0RNX3hXbW8ifQ.eyJzdWIiOiI1ZTc3MTQ5ZmRmOTQ5ZmI2NmE0YzkwYmNkNjgxOWMxM"
    "CIsInByZWZlcnJlZF91c2VybmFtZSI6ImNhcm9sIiwibmFtZSI6ImNhcm9sIiwiZ3JvdXBzI"
    "jpbXSwiZW1haWwiOiJjYXJvbEBleGFtcGxlLnRlc3QiLCJlbWFpbF92ZXJpZmllZCI6dHJ1Z"
    "SwiYXVkIjoicG9kLXRlc3QiLCJleHAiOjE3OTU3MzMyODIsImlhdCI6MTc5NTcyOTY4Miwia"
    "XNzIjoiaHR0cHM6Ly8xMjcuMC4wLjE6ODQ0MyJ9.NJw52xrOGdJJp92g1rnHPdYeDOT7yIFW"
    "I1yFzBJTk8AMB68ngM_1zS3FxPar6_eAELDycy3T9bd2XeE1nRi5EVjoVi8hvCtkWv0Zz2yz"
    "-SiyGwPtzM_aPvEUCwxgYrBpL1A11j7cViKi_myrH04tcK5sPMrup_7k9Rk6IO_gzwZwAmi-"
    "WxVcltUKTs9clMmhecm2LBxWrpWuHUPufqTfRV3MgmbqJ1d8dCo_hrAAgO2YSLZ_14u2rgSD"
    "uDWRRnlAHku9TC2eGbPgHtiu3mNPcntL9eJH2vnMvbLP94ta_m-3NDY3yZiriZIsI9kKi120"
    "0csGAOhf3CLbn5OAM3kKIA",
    "eyJhbGciOiJQUzI1NiIsImtpZCI6ImxRTGQteF9hVUVkdWMwM0gyQ3EyU1EwbzR5SFJzeG1i"
    "WE1HbFliNkFNd3MifQ.eyJzdWIiOiI1ZTc3MTQ5ZmRmOTQ5ZmI2NmE0YzkwYmNkNjgxOWMxM"
    "CIsImF1ZCI6InBvZC10ZXN0IiwiZXhwIjoxNzk1NzMzMjk5LCJpYXQiOjE3OTU3Mjk2OTksI"
    "mlzcyI6Imh0dHBzOi8vMTI3LjAuMC4xOjg0NDMifQ.jCL9C-lpi1lVTSIeiZEwR0S7cOcH71"
    "_ItUMftWYBUWYi4Iq8P0CKnTD2IWY_ajp46bm5YvM6dII7crc5VgrY4cNNzfatuNXFdB-o8k"
    "PxqtUOPSmlf40i5KtUKbkeyoENeuHkzjwBePJ-3SFWbOYAijsfLEQbgnvHCs7PgPbBuBIQQU"
    "lhhgDkYkhw-UbVVotITA3yAACRMO0-_RegZPuqdAaPM0pOSkgT_y8exzfB3G534TDccghjfm"
    "18fZUNqclvL3Qdn5Fwf1NaYS91UHWguZbml1GzmnWWandgLdeo2y66Hp6SXhYMm9zL_o1HUk"
    "Wr9VkDEwC0JHAwrwMDmlMHPQ",
    "eyJhbGciOiJFUzI1NiIsImtpZCI6InU3YkdCcXhWYnJ4d1V5YjZzd3UzNjlRVGs1VDhzWFFI"
    "NlV4a3JoZ0czVmMifQ.eyJzdWIiOiI2YmI1OWJmMzlhOTY5NzNlMjc0OTMyMjYxNTM0YWZhY"
    "iIsInByZWZlcnJlZF91c2VybmFtZSI6ImFsaWNlIiwibmFtZSI6ImFsaWNlIiwiZ3JvdXBzI"
    "jpbImFkbWlucyIsInVzZXJzIl0sImVtYWlsIjoiYWxpY2VAZXhhbXBsZS50ZXN0IiwiZW1ha"
    "WxfdmVyaWZpZWQiOnRydWUsImF1ZCI6InBvZC10ZXN0IiwiZXhwIjoxNzk1NzMzMjczLCJpY"
    "XQiOjE3OTU3Mjk2NzMsImlzcyI6Imh0dHBzOi8vMTI3LjAuMC4xOjg0NDMifQ._oKR2tjHqX"
    "9p2Abt-kOZH6BT8Wxqqg7JupL2gkaxTJ0XlHf9jLbjHdLhz12FhcWOZHaoWrC8s7iC9dMBdF"
    "vNgA",
    "eyJhbGciOiJFZERTQSIsImtpZCI6Im1tRG5LMU9fdlZoRmctT0ZiYTBkeXdSMld5cTFvOVE3"
    "TnpLVTBnUng1cEkifQ.eyJzdWIiOiI1ZTc3MTQ5ZmRmOTQ5ZmI2NmE0YzkwYmNkNjgxOWMxM"
    "CIsInByZWZlcnJlZF91c2VybmFtZSI6ImNhcm9sIiwibmFtZSI6ImNhcm9sIiwiZ3JvdXBzI"
    "jpbXSwiZW1haWwiOiJjYXJvbEBleGFtcGxlLnRlc3QiLCJlbWFpbF92ZXJpZmllZCI6dHJ1Z"
    "SwiYXVkIjoicG9kLXRlc3QiLCJleHAiOjE3OTU3MzMzMjIsImlhdCI6MTc5NTcyOTcyMiwia"
    "XNzIjoiaHR0cHM6Ly8xMjcuMC4wLjE6ODQ0MyJ9.SOu_8iZIvGQKVcJLbd8S7sS_NzyFb3Dt"
    "XUR4q2kNcSyxmq9P4AlnsXAys_vHtQa8dBWVtTi8Y14UsusXn_C1BA",
};

/* Without kid, a signature of the right length that never verifies: the
 * same claims under each algorithm, signatures of 0x01 bytes. */
#define FORGED_CLAIMS                                                          \
    "eyJpc3MiOiJodHRwczovLzEyNy4wLjAuMTo4NDQzIiwiYXVkIjoicG9kLXRlc3QiLCJzdWIi" \
    "OiJ4IiwiaWF0IjoxNzk1NzI5NzAwLCJleHAiOjE3OTU3MzMzMDB9"
/* 48, 16 and 36 bytes of 0x01 in base64url. */
#define ONES_48 "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB"
#define ONES_16 "AQEBAQEBAQEBAQEBAQEBAQ"
#define ONES_36 "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB"
#define FORGED(header, sig) header "." FORGED_CLAIMS "." sig
static const char *const fuzz_forged_tokens[] = {
    FORGED("eyJhbGciOiJSUzI1NiJ9", ONES_48 ONES_48 ONES_48 ONES_48 ONES_48 ONES_16),
    FORGED("eyJhbGciOiJQUzUxMiJ9", ONES_48 ONES_48 ONES_48 ONES_48 ONES_48 ONES_16),
    FORGED("eyJhbGciOiJFUzI1NiJ9", ONES_48 ONES_16),
    FORGED("eyJhbGciOiJFUzM4NCJ9", ONES_48 ONES_48),
    FORGED("eyJhbGciOiJFUzUxMiJ9", ONES_48 ONES_48 ONES_36),
    FORGED("eyJhbGciOiJFZERTQSJ9", ONES_48 ONES_16),
};

#endif
