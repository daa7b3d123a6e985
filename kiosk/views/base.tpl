<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
% if get('refresh'):
<meta http-equiv="refresh" content="{{refresh}}">
% end
<title>{{title}}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/kiosk.css">
<script src="/static/kiosk.js" defer></script>
</head>
<body class="{{get('body_class', '')}}" data-idle="{{get('idle', 0)}}" data-home="{{get('home', '')}}" data-return="{{get('wait', 0)}}">
{{!base}}
</body>
</html>
