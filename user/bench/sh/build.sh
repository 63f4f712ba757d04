# A small build: for each directory of the tree /tmp/src (made by bench),
# an archive with tar, compressed with gzip, and checksums with md5sum.
set -e
cd /tmp
rm -rf out
mkdir out
for d in src/*; do
	n=${d#src/}
	tar cf out/$n.tar $d
	gzip -6 out/$n.tar
	md5sum $d/* >> out/sums
done
md5sum out/*.gz > out/sums.gz
