{{
    config(
        materialized='incremental',
        unique_key='order_id',
        incremental_strategy='delete+insert',
        tags=['incremental']
    )
}}

select
    orders.order_id,
    orders.customer_id,
    orders.order_date,
    orders.status,
    coalesce(payments.amount, 0) as amount,
    {{ var('batch') }} as _batch,
    current_timestamp as _loaded_at
from {{ ref('stg_orders') }} as orders
left join {{ ref('int_order_payments') }} as payments using (order_id)

{% if is_incremental() %}
where orders.order_date > (select max(order_date) from {{ this }})
{% endif %}
