"""Hostile station text for the site tests.

HTML payloads follow the OWASP "XSS Filter Evasion Cheat Sheet" (cheatsheetseries.owasp.org) and PortSwigger's
XSS cheat sheet (event handlers, mutation XSS), each made to call alert() or set the title to PWNED, so that a
payload that runs is seen. Markdown payloads are the tricks that ran on the site before notes were sanitised.
"""

from __future__ import annotations

HTML = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.invalid/xss.js></SCRIPT>",
    '<IMG SRC="javascript:alert(1);">',
    "<IMG SRC=javascript:alert(1)>",
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<IMG SRC=`javascript:alert(1)`>",
    '<a onmouseover="alert(1)">xxs link</a>',
    '<IMG """><SCRIPT>alert(1)</SCRIPT>"\\>',
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    '<IMG SRC=# onmouseover="alert(1)">',
    '<IMG SRC= onmouseover="alert(1)">',
    '<IMG onmouseover="alert(1)">',
    '<IMG SRC=/ onerror="alert(1)"></img>',
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x31&#x29>",
    '<IMG SRC="jav\tascript:alert(1);">',
    '<IMG SRC="jav&#x09;ascript:alert(1);">',
    '<IMG SRC="jav&#x0A;ascript:alert(1);">',
    '<IMG SRC=" &#14;  javascript:alert(1);">',
    '<SCRIPT/XSS SRC="http://xss.invalid/xss.js"></SCRIPT>',
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(1)>",
    "<<SCRIPT>alert(1);//\\<</SCRIPT>",
    "<SCRIPT SRC=http://xss.invalid/xss.js?< B >",
    "</TITLE><SCRIPT>alert(1);</SCRIPT>",
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(1);">',
    '<BODY BACKGROUND="javascript:alert(1)">',
    '<IMG DYNSRC="javascript:alert(1)">',
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<STYLE>li {list-style-image: url("javascript:alert(1)");}</STYLE><UL><LI>XSS</br>',
    '<IFRAME SRC="javascript:alert(1);"></IFRAME>',
    '<iframe srcdoc="<script>alert(1)</script>">',
    "<details open ontoggle=alert(1)>",
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(1);">',
    '<TABLE BACKGROUND="javascript:alert(1)">',
    '<DIV STYLE="background-image: url(javascript:alert(1))">',
    '<DIV STYLE="width: expression(alert(1));">',
    '<BASE HREF="javascript:alert(1);//">',
    '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.invalid/scriptlet.html"></OBJECT>',
    '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    '<a href="jAvAsCrIpT&colon;alert(1)">x</a>',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<video><source onerror="alert(1)">',
    "<body onpageshow=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<x onclick=alert(1)>click</x>",
    "{{constructor.constructor('alert(1)')()}}",
    "javascript:alert(1)",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<div style="position:fixed;top:0;left:0;width:100%;height:100%;background:red" onmouseover="document.title=\'PWNED\'">',
]

#: Short payloads for fields of at most 30 characters (city, district, town).
SHORT = ["<svg/onload=alert(1)>", "<b onmouseover=alert(1)>区", '"><svg onload=alert(1)>', "<script>alert(1)</script>"]

MARKDOWN = [
    "![x](https://nonexistent.invalid/x.png){onerror=\"document.title='PWNED'\"}",
    '[a](https://example.org/){onclick="alert(1)"}',
    'Text\n{: onmouseover="alert(1)" }',
    "# H {: onclick=alert(1) }",
    "[x][r]\n\n[r]: javascript:alert(1)",
    '[x](https://example.org/){href="javascript:alert(1)"}',
    "[x](java\nscript:alert(1))",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "[x](//xss.invalid/x)",
    "![x](javascript:alert(1))",
    "![x](//xss.invalid/x.png)",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&#58;alert(1))",
    '[x](https://example.org/ "t\\" onmouseover=\\"alert(1)")',
    "`<img src=x onerror=alert(1)>`",
    "<!-- --><script>alert(1)</script>",
    '{style="position:fixed;top:0;left:0;width:100%;height:100%;background:red"}',
    '[y](https://example.org/)\n{: style="position:fixed;inset:0" onmouseover="document.title=\'PWNED\'" }',
    "[x](\\\\xss.invalid/x)",
]

#: A control character before the scheme (YAML writes it as a double-quoted "\\x01").
CONTROL = "[x](\x01javascript:alert(1))"
