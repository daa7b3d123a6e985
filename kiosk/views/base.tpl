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
<link rel="stylesheet" href="/static/look.css">
<link rel="stylesheet" href="/static/kiosk.css">
<script src="/static/kiosk.js" defer></script>
</head>
<body class="yz-page {{get('body_class', '')}}" data-idle="{{get('idle', 0)}}" data-home="{{get('home', '')}}" data-return="{{get('wait', 0)}}">
<header class="yz-header">
  <div class="yz-header__inner">
    <p class="yz-header__title station">{{get('station', '') or '流动党员服务驿站'}}</p>
% if get('what'):
    <p class="yz-header__sub what">{{what}}</p>
% end
% if get('nav') or get('logout_csrf'):
    <nav aria-label="管理">
%   for href, words in get('nav', []):
      <a href="{{href}}">{{words}}</a>
%   end
%   if get('logout_csrf'):
      <form method="post" action="/admin/logout"><input type="hidden" name="csrf" value="{{logout_csrf}}"><button type="submit">退出</button></form>
%   end
    </nav>
% end
  </div>
</header>
<main class="yz-main" id="main">
{{!base}}
</main>
<footer class="yz-footer">
  <p>{{hotline_label}} <a class="yz-tel" href="tel:{{hotline}}">{{hotline}}</a></p>
</footer>
</body>
</html>
