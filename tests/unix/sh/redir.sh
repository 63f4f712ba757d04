# redirections, pipelines, here-documents
echo first > f
echo second >> f
cat f
wc -l < f
cat <<END
here $HOME doc
  indented
END
cat <<'END'
quoted $HOME
END
echo err 1>&2 2>/dev/null
(echo out; echo err >&2) 2>&1 | sort
echo a b c | tr ' ' '\n' | sort -r | head -2
exec 3>g; echo via-fd3 >&3; exec 3>&-; cat g
{ echo group1; echo group2; } | wc -l
echo $(( $(printf '%s\n' 1 2 3 | wc -l) * 2 ))
ls nosuchfile 2>/dev/null || echo "ls failed: $?"
cat < /dev/null | wc -c
head -c 5 /dev/zero | od -An -tx1
