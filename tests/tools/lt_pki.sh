#!/bin/sh
# lt_pki.sh DIR OCSP_PORT CRL_PORT INTER_END [AGENCY_CN] - a throwaway PKI for the
# long-term signature tests (PAdES B-LT), made with `openssl ca` so that
# revocation can be served:
#   ca.pem/ca.key        root, ten years
#   inter.pem/inter.key  intermediate, issued by the root, valid until
#                        INTER_END (YYMMDDHHMMSSZ, `openssl ca -enddate`),
#                        its CRL distribution point http://127.0.0.1:CRL_PORT/root.crl
#   agency.pem/.key      the agency (mode 0600), issued by the intermediate,
#                        its AIA OCSP address http://127.0.0.1:OCSP_PORT/
#   crl/root.crl         the root's CRL (DER), for a static HTTP server
#   inter.cnf            the intermediate's `openssl ca` configuration
#                        (index inter-idx.txt): `openssl ca -config inter.cnf
#                        -revoke agency.pem` revokes, and `openssl ocsp -index
#                        inter-idx.txt -CA inter.pem -rsigner inter.pem -rkey
#                        inter.key -port OCSP_PORT` answers for it.
set -e
dir=$1 ocsp=$2 crl=$3 inter_end=$4 cn=${5:-UBND LT test}
mkdir -p "$dir/crl" "$dir/newcerts"
cd "$dir"
exec > lt_pki.log 2>&1
start=$(date -u -d '-1 hour' +%y%m%d%H%M%SZ)
for ca in root inter; do
	: > "$ca-idx.txt"
	echo 1000 > "$ca-serial.txt"
	echo 1000 > "$ca-crlnumber.txt"
	cat > "$ca.cnf" <<EOF
[ca]
default_ca = c
[c]
dir = .
database = $ca-idx.txt
new_certs_dir = newcerts
serial = $ca-serial.txt
crlnumber = $ca-crlnumber.txt
default_md = sha256
default_crl_days = 30
policy = p
unique_subject = no
copy_extensions = none
[p]
commonName = supplied
organizationName = optional
countryName = optional
[inter_ext]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
crlDistributionPoints = URI:http://127.0.0.1:$crl/root.crl
[agency_ext]
basicConstraints = CA:false
keyUsage = critical,digitalSignature,nonRepudiation
authorityInfoAccess = OCSP;URI:http://127.0.0.1:$ocsp/
EOF
done
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 \
	-subj '/C=VN/O=sohoa test/CN=Test LT Root CA' \
	-addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign
openssl req -newkey rsa:2048 -nodes -keyout inter.key -out inter.csr \
	-subj '/C=VN/O=sohoa test/CN=Test LT Intermediate CA'
openssl ca -batch -config root.cnf -cert ca.pem -keyfile ca.key -in inter.csr -out inter.pem \
	-notext -extensions inter_ext -startdate "$start" -enddate "$inter_end"
openssl req -newkey rsa:2048 -nodes -keyout agency.key -out agency.csr -utf8 \
	-subj "/C=VN/O=UBND xa Van Binh/CN=$cn"
openssl ca -batch -config inter.cnf -cert inter.pem -keyfile inter.key -in agency.csr \
	-out agency.pem -notext -extensions agency_ext -startdate "$start" -days 365
openssl ca -config root.cnf -cert ca.pem -keyfile ca.key -gencrl -out crl/root.pem
openssl crl -in crl/root.pem -outform DER -out crl/root.crl
chmod 600 agency.key
