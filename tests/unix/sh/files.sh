# common applets on real files
mkdir -p d/e/f
echo hello > d/a.txt
printf 'b\na\nc\na\n' > d/list
cp d/a.txt d/e/copy.txt
mv d/e/copy.txt d/e/f/moved.txt
ln -s ../a.txt d/e/link
ln d/a.txt d/hard
cat d/e/link d/hard
ls d d/e/f
find d | sort
sort d/list | uniq -c
sort -u d/list | tr '\n' ' '; echo
grep -n a d/list
sed 's/a/A/g' d/list | tr -d '\n'; echo
awk '{ n[$1]++ } END { for (k in n) s = s k n[k]; print length(s) }' d/list
cut -c1-3 d/a.txt
echo one two three | cut -d' ' -f2
printf '1\n2\n3\n' | xargs echo args:
head -n 2 d/list; tail -n 1 d/list
wc -c d/a.txt
md5sum d/a.txt
readlink d/e/link
[ -L d/e/link ] && echo is-link
[ -d d/e ] && echo is-dir
[ -f d/a.txt ] && echo is-file
rm d/hard; ls d | wc -l
rm -r d/e; ls d
rmdir d 2>/dev/null || echo not-empty
tar cf t.tar d && rm -r d && tar xf t.tar && cat d/a.txt
gzip -c d/list > l.gz && gzip -dc l.gz | md5sum
echo x > m; chmod 640 m; ls -l m | cut -c1-10
stat -c '%s %F' d/list
dd if=/dev/zero of=z bs=1k count=100 2>/dev/null; wc -c < z
