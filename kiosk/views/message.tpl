% rebase('base', title=title, body_class='message')
<main class="done">
  <h1>{{title}}</h1>
% if text:
  <p class="hint">{{text}}</p>
% end
</main>
