#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The pam_oauth_device authors
# mkca.sh DIR -- make a throwaway test PKI for the test identity provider.
#
# Creates (EC P-256 keys, openssl CLI only):
#   DIR/ca.pem, DIR/ca.key              test CA (trust anchor for the tests)
#   DIR/server.pem, DIR/server.key      leaf: SAN IP:127.0.0.1, IP:::1, DNS:localhost,
#                                       serverAuth, signed by the CA, valid 2 days
#   DIR/wronghost.pem, .key             leaf signed by the CA, SAN DNS:wrong.example only
#   DIR/expired.pem, .key               leaf signed by the CA, right SAN, notAfter yesterday
#   DIR/selfsigned.pem, .key            self-signed leaf for 127.0.0.1 / ::1 / localhost
#   DIR/rogue-ca.pem (+ rogue-ca.key)   a second CA that signed nothing we serve
#
# Idempotent: if DIR already holds a complete set whose server cert is valid
# for at least another hour, nothing is done.  Otherwise everything is
# (re)generated.  Quiet on success; non-zero exit and a message on error.
set -eu

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
dir=$1

files="ca.pem ca.key server.pem server.key wronghost.pem wronghost.key
expired.pem expired.key selfsigned.pem selfsigned.key rogue-ca.pem rogue-ca.key"

complete=1
for f in $files; do
    [ -s "$dir/$f" ] || { complete=0; break; }
done
if [ "$complete" = 1 ] \
   && openssl x509 -in "$dir/server.pem" -noout -checkend 3600 >/dev/null 2>&1 \
   && openssl verify -CAfile "$dir/ca.pem" "$dir/server.pem" >/dev/null 2>&1; then
    exit 0
fi

mkdir -p "$dir"
work=$(mktemp -d "$dir/.mkca.XXXXXX")
trap 'rm -rf "$work"' EXIT

cat >"$work/openssl.cnf" <<'EOF'
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ v3_ca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ leaf_local ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = IP:127.0.0.1,IP:::1,DNS:localhost
[ leaf_wrong ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:wrong.example
[ leaf_self ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = IP:127.0.0.1,IP:::1,DNS:localhost
# used by "openssl ca" for the expired certificate (explicit dates)
[ ca ]
default_ca = tca
[ tca ]
database = $ENV::MKCA_DB/index.txt
new_certs_dir = $ENV::MKCA_DB
serial = $ENV::MKCA_DB/serial
rand_serial = yes
default_md = sha256
policy = pol
unique_subject = no
copy_extensions = none
email_in_dn = no
[ pol ]
commonName = supplied
EOF
cnf=$work/openssl.cnf
export OPENSSL_CONF=$cnf
mkdir "$work/db"
: >"$work/db/index.txt"
MKCA_DB=$work/db
export MKCA_DB

log=$work/log
run() {
    if ! "$@" >>"$log" 2>&1; then
        echo "mkca.sh: command failed: $*" >&2
        cat "$log" >&2
        exit 1
    fi
}

# new key + request (or self-signed cert with -x509) in one openssl call
newkey() { echo "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $1"; }

# CAs
# shellcheck disable=SC2046
run openssl req -config "$cnf" -new -x509 -sha256 $(newkey "$work/ca.key") \
    -subj "/O=pam-oidc tests/CN=Test CA" -days 30 -extensions v3_ca -out "$work/ca.pem"
# shellcheck disable=SC2046
run openssl req -config "$cnf" -new -x509 -sha256 $(newkey "$work/rogue-ca.key") \
    -subj "/O=pam-oidc tests/CN=Rogue CA" -days 30 -extensions v3_ca -out "$work/rogue-ca.pem"

# CA-signed leaves: name CN extensions days (random serial by default)
leaf() {
    # shellcheck disable=SC2046
    run openssl req -config "$cnf" -new -sha256 $(newkey "$work/$1.key") -subj "/CN=$2" -out "$work/$1.csr"
    run openssl x509 -req -sha256 -in "$work/$1.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" \
        -days "$4" -extfile "$cnf" -extensions "$3" -out "$work/$1.pem"
}
leaf server 127.0.0.1 leaf_local 2
leaf wronghost wrong.example leaf_wrong 2

# expired: correct names, valid from 3 days ago until yesterday ("openssl ca"
# is the OpenSSL 3.0 way to set explicit dates)
# shellcheck disable=SC2046
run openssl req -config "$cnf" -new -sha256 $(newkey "$work/expired.key") -subj "/CN=127.0.0.1" -out "$work/expired.csr"
run openssl ca -batch -notext -config "$cnf" -cert "$work/ca.pem" -keyfile "$work/ca.key" \
    -in "$work/expired.csr" -out "$work/expired.pem" -extfile "$cnf" -extensions leaf_local \
    -startdate "$(date -u -d '-3 days' +%Y%m%d%H%M%SZ)" \
    -enddate "$(date -u -d '-1 days' +%Y%m%d%H%M%SZ)"

# self-signed leaf
# shellcheck disable=SC2046
run openssl req -config "$cnf" -new -x509 -sha256 $(newkey "$work/selfsigned.key") \
    -subj "/CN=127.0.0.1" -days 2 -extensions leaf_self -out "$work/selfsigned.pem"

# sanity checks
run openssl verify -CAfile "$work/ca.pem" "$work/server.pem"
run openssl verify -CAfile "$work/ca.pem" "$work/wronghost.pem"
if openssl verify -CAfile "$work/ca.pem" "$work/expired.pem" >>"$log" 2>&1; then
    echo "mkca.sh: expired.pem unexpectedly verifies" >&2
    exit 1
fi

chmod 600 "$work"/*.key
for f in $files; do
    mv -f "$work/$f" "$dir/$f"
done
exit 0
