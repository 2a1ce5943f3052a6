
# Added by Talash to clap_complete's script: the values of --group, -g and --outlet come
# from `talash complete groups|outlets`, run while Tab is pressed, on the index the command
# line names (--index DIR or --index=DIR), else TALASH_INDEX, else ./index. fish escapes
# what it inserts (spaces, parentheses).
function __talash_values
    set -l tokens (commandline -opc)
    set -l n (count $tokens)
    set -l index
    for i in (seq 2 $n)
        set -l dir
        if test "$tokens[$i]" = --index; and test $i -lt $n
            set dir $tokens[(math $i + 1)]
        else if string match -q -- '--index=*' $tokens[$i]
            set dir (string replace -- --index= '' $tokens[$i])
        end
        if test -n "$dir"
            set index --index (string replace -r '^~/' "$HOME/" -- $dir)
        end
    end
    set -l cmd (string replace -r '^~/' "$HOME/" -- $tokens[1])
    $cmd complete $argv[1] $index 2>/dev/null
end
