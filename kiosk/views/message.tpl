% rebase('base', title=title, body_class='message', station=get('station', ''))
<div class="done">
  <h1>{{title}}</h1>
% if text:
  <p class="hint">{{text}}</p>
% end
  <ul class="yz-ways" id="ways">
% for href, words in ways:
    <li><a class="yz-button yz-button--quiet" href="{{href}}">{{words}}</a></li>
% end
    <li><a class="yz-tel" href="tel:{{hotline}}">拨打{{hotline_label}} {{hotline}}</a></li>
  </ul>
</div>
